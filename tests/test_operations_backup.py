"""Backups taken while guests register, restored into an empty database: every
registration that was acknowledged before the backup began is there.

SQLite: ``eventdesk backup`` and ``eventdesk restore``. PostgreSQL: ``pg_dump -Fc``
and ``pg_restore``, as docs/deploy.md says (when they are on PATH).
"""

import shutil
import threading
import time

import pytest
from mail_helpers import free_port
from operator_helpers import (
    POSTGRES_URL,
    add_event,
    database_url,
    empty_postgres,
    eventdesk,
    operator_env,
    pg_dump,
    pg_restored,
    register_over_http,
    start_serve,
    stop,
    wait_until_up,
)
from sqlalchemy import create_engine, func, select

from eventdesk.events.models import Event
from eventdesk.registration.models import Registration, RegistrationStatus

MAX_GUESTS = 5000  # a bound; the load stops soon after the backup
SEATS = 50


def registrations_under_load(base: str, take_backup) -> set[str]:
    """Register guests from 4 clients; once 30 are acknowledged, call ``take_backup()``
    while they go on; return the addresses acknowledged before the backup began."""
    acknowledged: list[tuple[float, str]] = []
    refused: list[tuple[int, int]] = []
    lock = threading.Lock()
    numbers = iter(range(MAX_GUESTS))
    done = threading.Event()
    deadline = time.monotonic() + 120

    def client() -> None:
        while time.monotonic() < deadline and not done.is_set():
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            email = f"guest{number}@example.org"
            status = register_over_http(base, "jubileum", name=f"Guest {number}", email=email)
            with lock:
                if status == 302:
                    acknowledged.append((time.monotonic(), email))
                else:
                    refused.append((number, status))

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 30 and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    started = time.monotonic()
    take_backup()
    finished = time.monotonic()
    after = len(acknowledged) + 4
    while len(acknowledged) < after and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    done.set()
    for thread in threads:
        thread.join()
    assert refused == [], "registrations not acknowledged: (guest, status)"
    # The guests kept registering all through the backup.
    assert any(moment > finished for moment, _ in acknowledged), "the load ended too early"
    assert sum(started < moment < finished for moment, _ in acknowledged) >= 2
    return {email for moment, email in acknowledged if moment < started}


def check_restored(url: str, expected: set[str]) -> None:
    """The restored database has every expected guest and a seat counter that agrees."""
    engine = create_engine(url)
    with engine.connect() as connection:
        emails = set(connection.scalars(select(Registration.email)))
        confirmed = connection.scalar(select(func.count()).select_from(Registration).where(
            Registration.status == RegistrationStatus.CONFIRMED))
        counter = connection.scalar(select(Event.confirmed_count))
    engine.dispose()
    assert expected and expected <= emails
    assert counter == confirmed <= SEATS


@pytest.fixture
def serving(tmp_path):
    empty_postgres()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = operator_env(tmp_path / "live", EVENTDESK_BASE_URL=base,
                       EVENTDESK_REGISTRATION_MIN_FILL_SECONDS="0",
                       EVENTDESK_REGISTRATION_CONFIRM_AFTER="1000000")
    assert eventdesk("db", "upgrade", env=env).returncode == 0
    add_event(database_url(env), capacity=SEATS)
    log = tmp_path / "serve.log"
    process = start_serve(env, port, log)
    try:
        wait_until_up(base, process, log)
        yield env, base
    finally:
        stop(process)
        empty_postgres()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="eventdesk backup is for SQLite")
def test_backup_while_serving_then_restore_into_an_empty_database(serving, tmp_path):
    env, base = serving
    target = tmp_path / "nightly.sqlite"
    results = []
    expected = registrations_under_load(
        base, lambda: results.append(eventdesk("backup", "-o", str(target), env=env)))
    assert results[0].returncode == 0, results[0].stderr
    assert eventdesk("backup", "-o", str(target), env=env).returncode == 1  # never overwritten

    restored = operator_env(tmp_path / "new-machine" / "instance")
    result = eventdesk("restore", str(target), env=restored)
    assert result.returncode == 0, result.stderr
    check_restored(database_url(restored), expected)
    # And it serves: the commands find a current schema.
    assert eventdesk("export", "jubileum", env=restored).returncode == 0

    # A database with data is only replaced when asked, and then kept aside.
    refused = eventdesk("restore", str(target), env=restored)
    assert refused.returncode == 1 and "add --force" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    forced = eventdesk("restore", str(target), "--force", env=restored)
    assert forced.returncode == 0 and "Kept the replaced database as" in forced.stdout
    assert len(list((tmp_path / "new-machine" / "instance").glob("*.before-restore-*"))) == 1
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a backup" * 100)
    empty = operator_env(tmp_path / "elsewhere")
    assert "not a SQLite database" in eventdesk("restore", str(broken), env=empty).stderr


PG_DUMP = shutil.which("pg_dump")


@pytest.mark.skipif(not POSTGRES_URL or not PG_DUMP,
                    reason="needs TEST_DATABASE_URL and pg_dump on PATH")
def test_pg_dump_while_serving_then_pg_restore_into_an_empty_database(serving, tmp_path):
    env, base = serving
    dump = tmp_path / "nightly.dump"
    results = []
    expected = registrations_under_load(base, lambda: results.append(pg_dump(POSTGRES_URL, dump)))
    assert results[0].returncode == 0, results[0].stderr

    with pg_restored(POSTGRES_URL, dump, "restore") as target:
        check_restored(target, expected)
        env = {**env, "DATABASE_URL": target}
        assert eventdesk("export", "jubileum", env=env).returncode == 0
        # eventdesk's own backup command points PostgreSQL users to these tools.
        assert "pg_dump" in eventdesk("backup", env=env).stderr
