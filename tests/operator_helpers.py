"""Run eventdesk as an operator does: the installed console script, in a subprocess,
configured by environment variables, against a real database (a SQLite file in a
fresh instance folder, or PostgreSQL when ``TEST_DATABASE_URL`` is set)."""

import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
SECRET = "operator-test-secret-key-0123456789abcdef"
# The console script pip installed beside this interpreter, as an operator runs it.
EVENTDESK = shutil.which("eventdesk", path=str(Path(sys.executable).parent))
assert EVENTDESK, "the eventdesk console script is not installed in this environment"


def operator_env(instance: Path, **extra: str) -> dict[str, str]:
    """Return an environment with only what the README tells an operator to set."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("EVENTDESK_") and key != "DATABASE_URL"}
    env.update(EVENTDESK_SECRET_KEY=SECRET, EVENTDESK_BASE_URL="http://127.0.0.1:5000",
               EVENTDESK_INSTANCE=str(instance), PYTHONUNBUFFERED="1")
    if POSTGRES_URL:
        env["DATABASE_URL"] = POSTGRES_URL
    env.update(extra)
    return env


def database_url(env: dict[str, str]) -> str:
    """Return the URL of the database the commands in ``env`` use."""
    return env.get("DATABASE_URL") or f"sqlite:///{env['EVENTDESK_INSTANCE']}/eventdesk.sqlite"


def empty_postgres() -> None:
    """Drop everything in the test's PostgreSQL database (no-op on SQLite)."""
    if not POSTGRES_URL:
        return
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def eventdesk(*args: str, env: dict[str, str], input: str | None = None,
              timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``eventdesk ARGS`` and return what it did (text output)."""
    return subprocess.run([EVENTDESK, *args], env=env, input=input, capture_output=True,
                          text=True, timeout=timeout, cwd=cwd)


def add_event(url: str, *, slug: str = "jubileum", capacity: int = 100,
              guests: int = 0) -> list[str]:
    """Publish an event as an organiser would, register ``guests`` guests; return their codes."""
    from eventdesk import create_app
    from eventdesk.db import db
    from eventdesk.events.models import Event, EventStatus
    from eventdesk.registration import service

    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
                      "BASE_URL": "http://127.0.0.1:5000"})
    now = datetime.now(UTC)
    with app.app_context():
        event = Event(slug=slug, status=EventStatus.PUBLISHED, title_nl="Jubileum",
                      title_en="Jubilee", venue="Techport", address="Kanaalstraat 1",
                      starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=4),
                      capacity=capacity, organiser_email="info@example.org")
        db.session.add(event)
        db.session.commit()
        codes = [
            service.register(event, name=f"Gast {n}", email=f"gast{n}@example.org", now=now)
            .registration.ticket_code
            for n in range(guests)
        ]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return codes


def start_serve(env: dict[str, str], port: int, log: Path, *extra: str) -> subprocess.Popen:
    """Start ``eventdesk serve`` on 127.0.0.1:PORT, its output going to ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [EVENTDESK, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
             *extra], env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    """Stop a server or worker, killing it if it does not stop within 20 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(base: str, path: str, timeout: float = 10) -> tuple[int, bytes]:
    """GET ``path``; return the status and body."""
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_up(base: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Wait until ``/healthz`` answers, failing early if the server exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"eventdesk serve exited:\n{log.read_text()}"
        try:
            if get(base, "/healthz", timeout=2)[0] in (200, 503):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} did not come up:\n{log.read_text()}")


def register_over_http(base: str, slug: str, *, name: str, email: str) -> int:
    """Register on the event page as a guest's browser does; return the POST's status."""
    netloc = urllib.parse.urlsplit(base).netloc
    connection = http.client.HTTPConnection(netloc, timeout=30)
    try:
        connection.request("GET", f"/events/{slug}")
        response = connection.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
        fields = {}
        for tag in re.findall(r"<input[^>]*>", page):
            attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
            if attributes.get("type") == "hidden" and "name" in attributes:
                fields[attributes["name"]] = attributes.get("value", "")
        fields.update(name=name, email=email, consent="y")
        connection.request("POST", f"/events/{slug}/register",
                           body=urllib.parse.urlencode(fields),
                           headers={"Content-Type": "application/x-www-form-urlencoded",
                                    "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def children(pid: int) -> dict[int, str]:
    """Return the child processes of ``pid`` with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found[int(entry.name)] = command
    return found


def pg_dump(url: str, dump: Path) -> subprocess.CompletedProcess:
    """Dump the PostgreSQL database ``url`` with pg_dump's custom format, as docs/deploy.md does."""
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(["pg_dump", "-Fc", "-f", str(dump), libpq],
                          capture_output=True, text=True)


@contextmanager
def pg_restored(url: str, dump: Path, suffix: str) -> Iterator[str]:
    """Restore ``dump`` into a new database beside ``url``'s, yield its URL, then drop it."""
    source = make_url(url)
    name = f"{source.database}_{suffix}"
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        target = source.set(database=name)
        restored = subprocess.run(
            ["pg_restore", "--no-owner", "-d",
             target.set(drivername="postgresql").render_as_string(hide_password=False),
             str(dump)], capture_output=True, text=True)
        assert restored.returncode == 0, restored.stderr
        yield target.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
