"""Scale-out: two gunicorn instances and two outbox workers against one PostgreSQL.

Guests register concurrently through both instances (a session fetched from
one is used on the other: app servers keep no state). Then no event is
overbooked and the SMTP server gets every queued mail exactly once.
"""

import http.client
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest
from flask_migrate import stamp
from mail_helpers import SmtpServer, free_port
from operator_helpers import stop, wait_until_up
from sqlalchemy import func, select

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.registration.models import Registration, RegistrationStatus

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not POSTGRES_URL.startswith("postgresql"),
    reason="scale-out needs a shared PostgreSQL: set TEST_DATABASE_URL (SQLite is one machine)",
)

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from eventdesk.cli import main; main()"]
# The worker logs "sent N message(s)" at INFO; show it, to see that both took part.
WORKER = [sys.executable, "-c", "import logging; logging.basicConfig(level=logging.INFO); "
          "from eventdesk.cli import main; main()", "worker"]
GUESTS = 60
SEATS = 20
SECRET = "scale-out-test-secret-key-0123456789abcdef"


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVENTDESK_")}
    env.update(DATABASE_URL=POSTGRES_URL, EVENTDESK_SECRET_KEY=SECRET,
               EVENTDESK_BASE_URL="http://eventdesk.test", **extra)
    # The servers are reached on loopback, a host besides the base URL's.
    env.update(EVENTDESK_TRUSTED_HOSTS="127.0.0.1")
    # Every guest comes from this one loopback address and posts at once: the
    # bot defences would hold them for a confirmation mail (see conftest).
    env.update(EVENTDESK_REGISTRATION_MIN_FILL_SECONDS="0",
               EVENTDESK_REGISTRATION_CONFIRM_AFTER="100000")
    return env


@pytest.fixture
def shared_database(app, make_event):
    """Create the schema (stamped, so `serve` does not migrate) and an event of SEATS seats."""
    stamp()
    event = make_event(capacity=SEATS)
    yield event


@pytest.fixture
def instances(shared_database, tmp_path):
    """Start two `eventdesk serve` instances on free loopback ports; yield their base URLs."""
    started: list[tuple[subprocess.Popen, str, Path]] = []
    try:
        for number in (1, 2):
            port = free_port()
            with (tmp_path / f"serve-{number}.log").open("wb") as log:
                process = subprocess.Popen(
                    [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                    env=_env(), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                )
            started.append((process, f"http://127.0.0.1:{port}", Path(log.name)))
        for process, base, log_path in started:
            wait_until_up(base, process, log_path)
        yield [base for _, base, _ in started]
    finally:
        for process, _, _ in started:
            stop(process)


def _session(base: str, path: str) -> tuple[str, str]:
    """GET the event page; return its session cookie and CSRF token."""
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return response.getheader("Set-Cookie").split(";", 1)[0], token


def _register_everyone(bases: list[str], event: Event, question: str) -> list[int]:
    """Register GUESTS guests, 8 at a time, alternating instances; return the statuses."""
    page = f"/events/{event.slug}"
    # Sessions come from one instance and are used on the other.
    sessions = [_session(bases[(index + 1) % 2], page) for index in range(len(bases))]
    statuses = [0] * GUESTS
    indexes = iter(range(GUESTS))
    lock = threading.Lock()
    deadline = time.monotonic() + 120

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                index = next(indexes, None)
            if index is None:
                return
            cookie, token = sessions[index % 2]
            body = urllib.parse.urlencode({
                "csrf_token": token, "name": f"Guest {index}",
                "email": f"scale-{index}@example.org", "consent": "y", question: "yes",
            })
            connection = http.client.HTTPConnection(
                urllib.parse.urlsplit(bases[index % 2]).netloc, timeout=60)
            try:
                connection.request("POST", f"{page}/register", body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
                statuses[index] = connection.getresponse().status
            except OSError:
                statuses[index] = -1
            finally:
                connection.close()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _wait_for_banner(logs: list[Path], workers: list[subprocess.Popen]) -> None:
    """Wait until every worker says it is delivering, so both compete from the start."""
    deadline = time.monotonic() + 60
    while not all("delivering mail" in log.read_text() for log in logs):
        assert time.monotonic() < deadline, "the workers did not start"
        assert all(worker.poll() is None for worker in workers), "a worker died"
        time.sleep(0.1)


def test_two_instances_and_two_workers(instances, shared_database, tmp_path):
    """No overbooking through either instance; every queued mail sent exactly once."""
    event = shared_database
    smtp = SmtpServer()
    smtp.start()
    workers: list[subprocess.Popen] = []
    try:
        # Small batches and quick polls, so both workers compete for the same rows.
        env = _env(EVENTDESK_SMTP_URL=smtp.url, EVENTDESK_MAIL_BATCH_SIZE="3",
                   EVENTDESK_MAIL_POLL_SECONDS="0.1", PYTHONUNBUFFERED="1")
        for number in (1, 2):
            with (tmp_path / f"worker-{number}.log").open("wb") as log:
                workers.append(subprocess.Popen(WORKER, env=env, stdout=log,
                                                stderr=subprocess.STDOUT, cwd=ROOT))
        _wait_for_banner([tmp_path / f"worker-{n}.log" for n in (1, 2)], workers)
        statuses = _register_everyone(instances, event, f"q_{event.questions[0].id}")
        assert Counter(statuses) == {302: GUESTS}
        db.session.expire_all()
        counts = dict(db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event.id).group_by(Registration.status)
        ).all())
        assert counts == {RegistrationStatus.CONFIRMED: SEATS,
                          RegistrationStatus.WAITLISTED: GUESTS - SEATS}
        assert db.session.get(Event, event.id).confirmed_count == SEATS
        # Arrival order as the database saw it: every waiting guest came after every seat.
        ids = dict(db.session.execute(
            select(Registration.status, func.max(Registration.id))
            .where(Registration.event_id == event.id, Registration.status
                   == RegistrationStatus.CONFIRMED).group_by(Registration.status)
        ).all())
        first_waiting = db.session.scalar(select(func.min(Registration.id)).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED))
        assert ids[RegistrationStatus.CONFIRMED] < first_waiting

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            db.session.rollback()
            pending = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status != OutboxStatus.SENT))
            if pending == 0 and len(smtp.received) >= GUESTS:
                break
            assert all(worker.poll() is None for worker in workers), "a worker died"
            time.sleep(0.2)
        time.sleep(1)  # a duplicate would arrive now
    finally:
        for worker in workers:
            stop(worker)
        smtp.stop()

    queued = set(db.session.scalars(select(OutboxMessage.message_id)))
    received = Counter(smtp.handler.message_ids())
    assert len(queued) == GUESTS
    assert set(received) == queued
    assert [mid for mid, times in received.items() if times > 1] == []
    # Both workers took part, or the test proved nothing about claiming.
    logs = [(tmp_path / f"worker-{n}.log").read_text() for n in (1, 2)]
    assert all("sent" in log for log in logs), logs
