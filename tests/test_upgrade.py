"""A database made by the previous release (9f98e84, schema 8076684431b8) is upgraded
with ``eventdesk db upgrade`` and keeps every registration, ticket code and check-in.

The fixture was made with that release's own code and migrations
(tests/fixtures/make_release_fixture.py); PostgreSQL gets the same data as a data
dump, applied after migrating an empty database to that release's schema. The
covers of the release that kept them as files are carried into the database.
"""

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from operator_helpers import (
    POSTGRES_URL,
    SECRET,
    database_url,
    empty_postgres,
    eventdesk,
    operator_env,
)
from sqlalchemy import create_engine, select, text

FIXTURES = Path(__file__).parent / "fixtures"
PREVIOUS_HEAD = "8076684431b8"
STARTS = datetime(2027, 1, 10, 15, 0, tzinfo=UTC)


def snapshot(url: str) -> dict:
    """Return the guests, doors, scans and accounts as plain rows."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = {
            "registrations": connection.execute(text(
                "SELECT id, event_id, name, email, organisation, status, ticket_code, "
                "manage_token, checked_in_at, checked_in_door_id, answers "
                "FROM registrations ORDER BY id")).all(),
            "scans": connection.execute(text(
                "SELECT id, door_id, at, action, status, raw_code, nonce, registration_id "
                "FROM scans ORDER BY id")).all(),
            "doors": connection.execute(text("SELECT id, name FROM doors")).all(),
            "events": connection.execute(text(
                "SELECT id, slug, capacity, confirmed_count FROM events")).all(),
            "users": connection.execute(text("SELECT email, password_hash FROM users")).all(),
            "outbox": connection.execute(text("SELECT count(*) FROM outbox")).scalar(),
        }
    engine.dispose()
    return rows


@pytest.fixture
def previous_release(tmp_path):
    """Return an operator environment whose database the previous release made."""
    empty_postgres()
    env = operator_env(tmp_path / "instance")
    if POSTGRES_URL:
        assert eventdesk("db", "upgrade", PREVIOUS_HEAD, env=env).returncode == 0
        dump = (FIXTURES / "release-9f98e84-data.sql").read_text()
        engine = create_engine(POSTGRES_URL)  # of its own: the dump clears search_path
        with engine.begin() as connection:
            connection.exec_driver_sql(dump)
        engine.dispose()
    else:
        (tmp_path / "instance").mkdir()
        shutil.copy(FIXTURES / "release-9f98e84.sqlite", tmp_path / "instance" / "eventdesk.sqlite")
    yield env
    empty_postgres()


def test_upgrade_keeps_registrations_ticket_codes_and_check_ins(previous_release):
    env = previous_release
    url = database_url(env)
    before = snapshot(url)
    # The previous release's data, as made: four guests, one cancelled, one checked in.
    guests = [(row.name, row.status, row.checked_in_at is not None)
              for row in before["registrations"]]
    assert guests == [("Zoë de Vries", "confirmed", True), ("Jürgen Ødegård", "confirmed", False),
                      ("Renée Brouwer", "cancelled", False), ("Piet Jansen", "confirmed", False)]
    assert all(row.ticket_code.startswith("ED1") for row in before["registrations"])
    assert len(before["scans"]) == 1 and before["outbox"] == 6

    # Until upgraded, commands say what to do.
    behind = eventdesk("export", "10-jaar-techport", env=env)
    assert behind.returncode == 1 and "run eventdesk db upgrade" in behind.stderr
    upgraded = eventdesk("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr

    assert snapshot(url) == before
    exported = eventdesk("export", "10-jaar-techport", "--dialect", "csv", env=env)
    assert exported.returncode == 0, exported.stderr
    for name in ("Zoë de Vries", "Jürgen Ødegård", "Piet Jansen"):
        assert name in exported.stdout

    # The codes still work at the door: Zoë was in already, Jürgen comes in now.
    from eventdesk import create_app
    from eventdesk.checkin import doors, service
    from eventdesk.db import db
    from eventdesk.events.models import Event

    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
                      "BASE_URL": "http://127.0.0.1:5000"})
    zoe, jurgen = (row.ticket_code for row in before["registrations"][:2])
    with app.app_context():
        event = db.session.scalar(select(Event))
        door = doors.door_by_name(event, "Hoofdingang")
        again = service.check_in(event, zoe, door=door, nonce=None, now=STARTS)
        assert (again.status, again.reason) == ("error", "already_checked_in")
        assert again.checked_in_at == STARTS - timedelta(minutes=20)
        assert service.check_in(event, jurgen, door=door, nonce=None, now=STARTS).status == "ok"
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


COVERS_AS_FILES = "0c9e5b27d3a8"  # the last schema that kept covers in a folder


def _jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (640, 360), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize("where", ["instance", "configured", "missing"])
def test_upgrade_carries_cover_files_into_the_database(previous_release, tmp_path, where):
    env = previous_release
    url = database_url(env)
    assert eventdesk("db", "upgrade", COVERS_AS_FILES, env=env).returncode == 0
    # The covers folder as that release found it: covers/ in the instance folder,
    # or EVENTDESK_COVERS_FOLDER.
    folder = Path(env["EVENTDESK_INSTANCE"]) / "covers"
    if where == "configured":
        folder = tmp_path / "elsewhere" / "covers"
        env = {**env, "EVENTDESK_COVERS_FOLDER": str(folder)}
    token = "Ab3dEfGh1jKlMn0pQrStUv"
    name = f"{token}-640x360.jpg"
    jpeg = _jpeg()
    if where != "missing":
        folder.mkdir(parents=True)
        (folder / name).write_bytes(jpeg)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE events SET cover_image = :name"), {"name": name})
    engine.dispose()

    upgraded = eventdesk("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr

    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text(
            "SELECT event_id, token, width, height, jpeg FROM event_covers")).all()
    engine.dispose()
    if where == "missing":
        assert stored == [] and f"cover {name} of event 1 is not in" in upgraded.stderr
        return
    assert [tuple(row) for row in stored] == [(1, token, 640, 360, jpeg)]
    assert f"{folder} can be removed" in upgraded.stderr

    # Served from the database at its old address, the folder gone.
    shutil.rmtree(folder)
    from eventdesk import create_app
    from eventdesk.db import db

    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
                      "BASE_URL": "http://127.0.0.1:5000", "TRUSTED_HOSTS": ["localhost"]})
    client = app.test_client()
    page = client.get("/events/10-jaar-techport").get_data(as_text=True)
    assert f'content="http://127.0.0.1:5000/covers/{name}"' in page
    with client.get(f"/covers/{name}") as served:
        assert served.status_code == 200 and served.data == jpeg
    with app.app_context():
        db.engine.dispose()

    # Going back a release writes the cover out again, where that release looks for it.
    downgraded = eventdesk("db", "downgrade", COVERS_AS_FILES, env=env)
    assert downgraded.returncode == 0, downgraded.stderr
    assert (folder / name).read_bytes() == jpeg
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT cover_image FROM events")) == name
    engine.dispose()
