"""The outbox worker against a real SMTP server: outages, faults, concurrency."""

import threading
import time
from collections import Counter
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from flask_migrate import stamp
from sqlalchemy import func, select

from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.mail.rendering import render_claimed
from eventdesk.mail.transport import (
    LocalTransport,
    SmtpTransport,
    make_transport,
    parse_smtp_url,
)
from eventdesk.mail.worker import WorkerSettings, claim_batch, deliver_batch
from eventdesk.registration import service
from eventdesk.worker import run_worker

FAST = {
    "MAIL_RETRY_BASE_SECONDS": 0.05,
    "MAIL_RETRY_MAX_SECONDS": 0.2,
    "MAIL_POLL_SECONDS": 0.05,
    "MAIL_BATCH_SIZE": 10,
}


@pytest.fixture
def app_config(app_config, smtp):
    app_config.update(FAST, SMTP_URL=smtp.url)
    return app_config


def register_many(event, now, count, prefix="guest"):
    for number in range(count):
        email = f"{prefix}{number}@example.org"
        service.register(event, name=f"Guest {number}", email=email, now=now)
        db.session.commit()


def queue_plain(count: int) -> None:
    """Queue small mails straight into the outbox (cheaper than registering guests)."""
    for number in range(count):
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = "events@techport.example.org"
        message["To"] = f"guest{number}@example.org"
        message["Subject"] = f"Mail {number}"
        message["Message-ID"] = make_msgid(domain="techport.example.org")
        message.set_content("Hello")
        db.session.add(OutboxMessage(
            message_id=message["Message-ID"], kind="test", recipient=message["To"],
            subject=message["Subject"], raw=message.as_bytes(), next_attempt_at=utcnow(),
        ))
    db.session.commit()


def outbox_statuses() -> Counter:
    db.session.expire_all()
    statuses = Counter(db.session.scalars(select(OutboxMessage.status)))
    # End the read: outside a request every transaction holds SQLite's write lock.
    db.session.rollback()
    return statuses


def most_attempts() -> int:
    attempts = db.session.scalar(select(func.max(OutboxMessage.attempts))) or 0
    db.session.rollback()
    return attempts


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def worker_thread(app):
    """Start ``run_worker`` in a thread; stop and join it at the end."""
    stop = threading.Event()
    threads = []

    def start():
        thread = threading.Thread(
            target=run_worker, args=(app,), kwargs={"stop": stop}, daemon=True
        )
        thread.start()
        threads.append(thread)

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
        assert not thread.is_alive()


def test_outage_delays_mail_and_loses_nothing(app, smtp, make_event, now, worker_thread):
    event = make_event(capacity=None)
    smtp.stop()
    worker_thread()
    # Registrations succeed while the server is down; the worker keeps failing meanwhile.
    register_many(event, now, 12)
    assert wait_for(lambda: most_attempts() >= 1)
    assert smtp.received == []

    smtp.start()
    register_many(event, now, 3, prefix="late")
    assert wait_for(lambda: len(smtp.received) >= 15)
    time.sleep(0.3)  # anything sent twice would show up now

    ids = smtp.handler.message_ids()
    assert len(ids) == 15 and len(set(ids)) == 15
    stored = set(db.session.scalars(select(OutboxMessage.message_id)))
    db.session.rollback()
    assert set(ids) == stored
    assert outbox_statuses() == {OutboxStatus.SENT: 15}


def test_two_workers_never_send_the_same_message(app, smtp, worker_thread):
    queue_plain(150)

    worker_thread()
    worker_thread()
    assert wait_for(lambda: len(smtp.received) >= 150)
    time.sleep(0.3)

    ids = smtp.handler.message_ids()
    assert len(ids) == 150 and len(set(ids)) == 150
    assert outbox_statuses() == {OutboxStatus.SENT: 150}


def test_claims_do_not_overlap(app, make_event, now):
    event = make_event(capacity=None)
    register_many(event, now, 8)
    settings = WorkerSettings(batch_size=5)

    first = claim_batch(token="a" * 32, now=utcnow(), settings=settings)
    second = claim_batch(token="b" * 32, now=utcnow(), settings=settings)
    third = claim_batch(token="c" * 32, now=utcnow(), settings=settings)

    assert len(first) == 5 and len(second) == 3 and third == []
    assert not {row[0] for row in first} & {row[0] for row in second}


def test_crash_in_mid_send_resends_once_with_the_same_message_id(app, smtp, make_event, now):
    event = make_event()
    register_many(event, now, 1)
    settings = WorkerSettings(lease=timedelta(minutes=5))
    transport = make_transport(app.config)

    # A worker claims, renders and sends, then dies before recording the result.
    [(message_id, _, draft)] = claim_batch(token="x" * 32, now=utcnow(), settings=settings)
    assert draft is None  # queued as a draft: rendered by the worker
    recipient, raw = render_claimed([message_id], "x" * 32, now=utcnow())[message_id]
    transport.send(raw, recipient)
    transport.close()

    # Nobody else touches it while the claim holds...
    assert deliver_batch(transport, settings=settings).claimed == 0
    # ...and once the lease has run out, it is sent again, byte for byte.
    later = utcnow() + timedelta(minutes=6)
    result = deliver_batch(transport, settings=settings, now=lambda: later)
    transport.close()

    assert result.sent == 1
    ids = smtp.handler.message_ids()
    assert len(ids) == 2 and ids[0] == ids[1]
    assert smtp.received[0].data == smtp.received[1].data
    assert outbox_statuses() == {OutboxStatus.SENT: 1}


def test_connection_dropped_in_mid_message_is_retried(app, smtp, make_event, now):
    event = make_event()
    register_many(event, now, 2)
    smtp.handler.drop_next = 1
    settings = WorkerSettings.from_config(app.config)
    transport = make_transport(app.config)

    first = deliver_batch(transport, settings=settings)
    assert first.connection_lost and first.sent == 0
    later = utcnow() + timedelta(seconds=5)
    second = deliver_batch(transport, settings=settings, now=lambda: later)
    transport.close()

    assert second.sent == 2
    ids = smtp.handler.message_ids()
    assert len(ids) == 2 and len(set(ids)) == 2
    assert outbox_statuses() == {OutboxStatus.SENT: 2}


def test_slow_server_gets_the_mail_again_with_the_same_message_id(app, smtp, make_event, now):
    event = make_event()
    register_many(event, now, 1)
    app.config["SMTP_URL"] = smtp.url.replace("timeout=5", "timeout=0.3")
    smtp.handler.delay_next = 1.0
    settings = WorkerSettings.from_config(app.config)
    transport = make_transport(app.config)

    first = deliver_batch(transport, settings=settings)
    assert first.connection_lost and first.sent == 0
    time.sleep(1.0)  # the server still takes the late copy
    later = utcnow() + timedelta(seconds=5)
    assert deliver_batch(transport, settings=settings, now=lambda: later).sent == 1
    transport.close()

    # At worst one resend, recognisable as the same message.
    ids = smtp.handler.message_ids()
    assert 1 <= len(ids) <= 2 and len(set(ids)) == 1
    assert outbox_statuses() == {OutboxStatus.SENT: 1}


def test_refused_recipient_is_marked_failed_at_once(app, smtp, make_event, now):
    event = make_event()
    service.register(event, name="Nobody", email="refuse@example.org", now=now)
    db.session.commit()
    transport = make_transport(app.config)

    result = deliver_batch(transport, settings=WorkerSettings.from_config(app.config))
    transport.close()

    assert result.failed == 1
    message = db.session.scalar(select(OutboxMessage))
    db.session.refresh(message)
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert "550" in message.last_error


def test_temporary_refusal_backs_off_then_gives_up(app, smtp, make_event, now):
    event = make_event()
    service.register(event, name="Busy", email="busy@example.org", now=now)
    db.session.commit()
    settings = WorkerSettings(
        retry_base=timedelta(seconds=60), retry_max=timedelta(hours=1), max_attempts=3
    )
    transport = make_transport(app.config)
    message = db.session.scalar(select(OutboxMessage))
    moment = utcnow()
    waits = []
    for _ in range(3):
        clock = lambda moment=moment: moment  # noqa: E731
        assert deliver_batch(transport, settings=settings, now=clock).claimed == 1
        db.session.refresh(message)
        waits.append(message.next_attempt_at - moment)
        # Nothing is due before the backoff has passed.
        assert deliver_batch(transport, settings=settings, now=clock).claimed == 0
        moment = message.next_attempt_at + timedelta(seconds=1)
    transport.close()

    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert "451" in message.last_error
    assert timedelta(seconds=45) < waits[0] <= timedelta(seconds=60)
    assert waits[0] < waits[1] < waits[2]


def test_a_slow_batch_gives_back_what_a_slow_send_could_not_finish_within_the_lease(app, smtp):
    queue_plain(3)
    # A slow send takes up to three timeouts (90 s): none starts after 8.5 minutes.
    settings = WorkerSettings(lease=timedelta(minutes=10), smtp_timeout=30)
    start = utcnow()
    ticks = iter([start, start, start])  # claim, check, record of the first message

    def clock():
        return next(ticks, start + timedelta(minutes=8, seconds=31))

    transport = make_transport(app.config)
    result = deliver_batch(transport, settings=settings, now=clock)

    assert (result.claimed, result.sent) == (3, 1)
    db.session.expire_all()
    rest = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    ).all()
    assert len(rest) == 2 and all(m.claimed_by is None for m in rest)
    db.session.rollback()
    # Free to be claimed again at once.
    assert deliver_batch(transport, settings=settings).sent == 2
    transport.close()
    assert len(set(smtp.handler.message_ids())) == 3


def test_an_outage_never_uses_up_the_attempts(app, smtp, make_event, now):
    event = make_event()
    register_many(event, now, 1)
    smtp.stop()
    settings = WorkerSettings(retry_base=timedelta(seconds=1), max_attempts=2)
    transport = make_transport(app.config)
    moment = utcnow()
    for _ in range(4):
        clock = lambda moment=moment: moment  # noqa: E731
        assert deliver_batch(transport, settings=settings, now=clock).connection_lost
        moment += timedelta(hours=1)
    transport.close()

    message = db.session.scalar(select(OutboxMessage))
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING and message.attempts == 4
    db.session.rollback()


def test_smtp_url_forms():
    plain = parse_smtp_url("smtp://user%40x:p%3Ass@mail.example.org:587?starttls=true")
    assert (plain.host, plain.port) == ("mail.example.org", 587)
    assert plain.starttls and not plain.tls
    assert (plain.username, plain.password) == ("user@x", "p:ss")
    tls = parse_smtp_url("smtps://mail.example.org")
    assert (tls.port, tls.tls, tls.starttls) == (465, True, False)
    assert parse_smtp_url("smtp://localhost?timeout=3").timeout == 3
    with pytest.raises(ValueError):
        parse_smtp_url("http://mail.example.org")


def test_transport_choice(app_config):
    assert isinstance(make_transport({**app_config}), SmtpTransport)
    local = {**app_config, "SMTP_URL": None}
    assert isinstance(make_transport(local), LocalTransport)
    with pytest.raises(RuntimeError):
        make_transport({**local, "TESTING": False})


def test_serve_runs_the_worker_beside_the_app(app, smtp, database_url, monkeypatch):
    from eventdesk.mail.embedded import embedded_worker

    # The child process builds its app from the environment, as under `eventdesk serve`.
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("EVENTDESK_SMTP_URL", smtp.url)
    monkeypatch.setenv("EVENTDESK_SECRET_KEY", "a-long-and-random-test-secret")
    monkeypatch.setenv("EVENTDESK_MAIL_FROM", app.config["MAIL_FROM"])
    monkeypatch.setenv("EVENTDESK_MAIL_POLL_SECONDS", "0.1")
    monkeypatch.setenv("EVENTDESK_BASE_URL", app.config["BASE_URL"])
    stamp()  # the worker wants a migrated schema; the fixture's is current
    queue_plain(3)

    with embedded_worker(app) as process:
        assert wait_for(lambda: len(smtp.received) >= 3)
    assert process.poll() is not None  # stopped with the block
    assert len(set(smtp.handler.message_ids())) == 3
    assert outbox_statuses() == {OutboxStatus.SENT: 3}
