"""A cover image lives in the database, not in one machine's folder: every app server
serves it, a backup and its restore keep it, a new cover gets a new address, and the
event pages never load its bytes.
"""

import io
import re
import shutil
import urllib.parse
from types import SimpleNamespace

import pytest
from backoffice import login, make_user
from operator_helpers import (
    POSTGRES_URL,
    SECRET,
    add_event,
    database_url,
    empty_postgres,
    eventdesk,
    operator_env,
    pg_dump,
    pg_restored,
)
from PIL import Image
from sqlalchemy import event as sa_event

from eventdesk import create_app
from eventdesk.auth.models import Role
from eventdesk.db import db

YEAR = 365 * 24 * 3600


def _jpeg(width: int, height: int, colour=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


def _machine(monkeypatch, instance, config: dict):
    """Return an app as another machine runs it: its own instance folder, the same database."""
    monkeypatch.setenv("EVENTDESK_INSTANCE", str(instance))
    try:
        return create_app(config)
    finally:
        monkeypatch.delenv("EVENTDESK_INSTANCE")


def _upload(client, slug: str, data: bytes):
    response = client.post(f"/organiser/events/{slug}/cover",
                           data={"cover": (io.BytesIO(data), "photo.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organiser/events/{slug}/edit#cover")


def _cover_path(client, slug: str) -> str | None:
    """Return the path of the cover the event page shows (its og:image), or None."""
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    match = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    if match is None:
        assert "<img" not in page or "/covers/" not in page
        return None
    return urllib.parse.urlsplit(match.group(1)).path


def _served_size(client, path: str) -> tuple[int, int]:
    with client.get(path) as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert served.cache_control.public and served.cache_control.max_age == YEAR
        with Image.open(io.BytesIO(served.data)) as image:
            assert image.format == "JPEG"
            return image.size


@pytest.fixture
def machines(app, app_config, monkeypatch, tmp_path):
    """Return two app servers on the test's database, each with an instance folder of its own."""
    servers = [_machine(monkeypatch, tmp_path / name, app_config)
               for name in ("machine-a", "machine-b")]
    yield servers
    for server in servers:
        with server.app_context():
            db.engine.dispose()


def test_every_app_server_serves_the_cover_and_its_replacement(machines, make_event):
    assert machines[0].instance_path != machines[1].instance_path
    make_event(slug="jubileum")
    make_user(Role.ADMIN, "admin@example.org")
    # Nothing more through the test's own session: on SQLite its next statement would
    # open a write transaction that the machines' requests then wait for.
    client, other = (machine.test_client() for machine in machines)
    login(client, SimpleNamespace(email="admin@example.org"))
    login(other, SimpleNamespace(email="admin@example.org"))

    _upload(client, "jubileum", _jpeg(1600, 900))
    first = _cover_path(client, "jubileum")
    assert first and _cover_path(other, "jubileum") == first
    assert _served_size(client, first) == _served_size(other, first) == (1600, 900)

    # A new cover, through the other machine: a new address on both, the old one gone.
    _upload(other, "jubileum", _jpeg(800, 600, colour=(20, 90, 200)))
    second = _cover_path(client, "jubileum")
    assert second and second != first and _cover_path(other, "jubileum") == second
    assert _served_size(client, second) == _served_size(other, second) == (800, 600)
    assert client.get(first).status_code == other.get(first).status_code == 404

    client.post("/organiser/events/jubileum/cover/remove")
    assert _cover_path(client, "jubileum") is None and _cover_path(other, "jubileum") is None
    assert client.get(second).status_code == other.get(second).status_code == 404


def test_only_the_image_route_loads_the_bytes(app, client, make_event):
    make_event(slug="jubileum")
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    _upload(client, "jubileum", _jpeg(1600, 900))
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.lower())

    sa_event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert "jubileum" in client.get("/").get_data(as_text=True)
        before_page = len(statements)
        path = _cover_path(client, "jubileum")
        page_statements = list(statements)
        _served_size(client, path)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", note)
    assert page_statements and not any("jpeg" in s for s in page_statements)
    # The event, its questions and its cover's size in one statement, not one more per page.
    selects = [s for s in page_statements[before_page:]
               if s.lstrip().startswith("select") and "from events" in s]
    assert not any("from event_covers" in s for s in page_statements[before_page:])
    assert len(selects) == 1, selects
    assert any("jpeg" in s for s in statements[len(page_statements):])


def _operator_app(url: str, instance, monkeypatch):
    return _machine(monkeypatch, instance, {
        "TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
        "BASE_URL": "http://127.0.0.1:5000", "TRUSTED_HOSTS": ["localhost"],
        "WTF_CSRF_ENABLED": False,
    })


def _served_cover(url: str, instance, monkeypatch) -> tuple[int, bytes]:
    """Return the status and bytes of the jubilee's cover as an app on ``url`` serves it."""
    app = _operator_app(url, instance, monkeypatch)
    try:
        client = app.test_client()
        path = _cover_path(client, "jubileum")
        assert path, "the event page shows no cover"
        with client.get(path) as served:
            return served.status_code, served.data
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def with_cover(tmp_path, monkeypatch):
    """Return an operator environment with an event whose cover was uploaded, and its bytes."""
    empty_postgres()
    env = operator_env(tmp_path / "old-machine")
    assert eventdesk("db", "upgrade", env=env).returncode == 0
    url = database_url(env)
    add_event(url)
    app = _operator_app(url, tmp_path / "old-machine", monkeypatch)
    with app.app_context():
        user = make_user(Role.ADMIN, "admin@example.org")
        client = app.test_client()
        login(client, user)
        _upload(client, "jubileum", _jpeg(1200, 800))
        db.session.remove()
        db.engine.dispose()
    status, served = _served_cover(url, tmp_path / "old-machine", monkeypatch)
    assert status == 200 and served.startswith(b"\xff\xd8")
    yield env, served
    empty_postgres()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="eventdesk backup is for SQLite")
def test_backup_and_restore_keep_the_cover(with_cover, tmp_path, monkeypatch):
    env, served = with_cover
    backup = tmp_path / "nightly.sqlite"
    made = eventdesk("backup", "-o", str(backup), env=env)
    assert made.returncode == 0, made.stderr

    new_machine = operator_env(tmp_path / "new-machine")
    restored = eventdesk("restore", str(backup), env=new_machine)
    assert restored.returncode == 0, restored.stderr
    assert _served_cover(database_url(new_machine), tmp_path / "new-machine",
                         monkeypatch) == (200, served)


@pytest.mark.skipif(not POSTGRES_URL or not shutil.which("pg_dump"),
                    reason="needs TEST_DATABASE_URL and pg_dump on PATH")
def test_pg_dump_and_pg_restore_keep_the_cover(with_cover, tmp_path, monkeypatch):
    env, served = with_cover
    dump = tmp_path / "nightly.dump"
    made = pg_dump(POSTGRES_URL, dump)
    assert made.returncode == 0, made.stderr
    with pg_restored(POSTGRES_URL, dump, "cover_restore") as target:
        assert _served_cover(target, tmp_path / "new-machine", monkeypatch) == (200, served)
