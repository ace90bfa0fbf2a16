"""Messages benchmark: queueing a message to 5,000 guests, and the worker sending them.

Run with ``python -m benchmarks.bench_messages``. Targets (issue 17): queueing
answers in under 3 s; the worker renders and hands 5,000 messages to an SMTP
server (aiosmtpd in its own process, on loopback) in under 60 s on one core.
The reference for queueing is a bare bulk insert of as many outbox rows.
"""

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from benchmarks.bench_mail import SmtpSink
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event, EventStatus
from eventdesk.mail.models import OutboxMessage
from eventdesk.mail.transport import make_transport
from eventdesk.mail.worker import WorkerSettings, deliver_batch
from eventdesk.messages import service
from eventdesk.messages.models import Audience, BatchKind
from eventdesk.registration.models import Registration, RegistrationStatus

GUESTS = 5_000
QUEUE_TARGET = 3.0
SEND_TARGET = 60.0


def seed_guests(slug: str) -> Event:
    now = utcnow()
    event = Event(slug=slug, status=EventStatus.PUBLISHED, title_nl="10 jaar Techport",
                  title_en="10 years of Techport", venue="Techport Centre",
                  address="Kanaalstraat 1, IJmuiden", starts_at=now + timedelta(days=3),
                  ends_at=now + timedelta(days=3, hours=5), capacity=None)
    db.session.add(event)
    db.session.flush()
    db.session.execute(insert(Registration), [{
        "event_id": event.id, "status": RegistrationStatus.CONFIRMED, "name": f"Gast {n}",
        "email": f"gast{n}@partner{n % 70}.example",
        "email_normalized": f"gast{n}@partner{n % 70}.example",
        "organisation": "Techport", "language": "nl" if n % 4 else "en", "answers": {},
        "consented_at": now, "ticket_code": f"ED1BENCH{slug.upper()}{n:08d}",
    } for n in range(GUESTS)])
    db.session.commit()
    return event


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_messages",
                                     description=__doc__.splitlines()[0])
    parser.parse_args()
    from eventdesk import create_app

    sink = SmtpSink()
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = create_app({
                "TESTING": True, "SECRET_KEY": "benchmark",
                "BASE_URL": "https://events.example.org",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                "SMTP_URL": f"smtp://127.0.0.1:{sink.port}?timeout=10",
            })
            with app.app_context():
                db.create_all()
                event = seed_guests("messages")
                body = ("Beste {name},\n\nHet programma is **veranderd**: "
                        "[je aanmelding]({manage_link}).")
                started = time.perf_counter()
                batch = service.create_batch(
                    event, key="bench", now=utcnow(), kind=BatchKind.UPDATE,
                    audience=Audience.CONFIRMED, subject_nl="Nieuw programma voor {name}",
                    body_nl=body, subject_en="New programme for {name}", body_en=body,
                    send_at=utcnow())
                queued = service.queue_batch(batch, now=utcnow())
                db.session.commit()
                queue_seconds = time.perf_counter() - started
                assert queued == GUESTS, queued

                raw = b"x" * 2000
                started = time.perf_counter()
                db.session.execute(insert(OutboxMessage.__table__), [{
                    "kind": "reference", "recipient": f"r{n}@example.org", "subject": "s",
                    "raw": raw, "status": "sent", "next_attempt_at": utcnow(),
                } for n in range(GUESTS)])
                db.session.commit()
                reference_seconds = time.perf_counter() - started

                transport = make_transport(app.config)
                settings = WorkerSettings(batch_size=200)
                started = time.perf_counter()
                sent = 0
                while (result := deliver_batch(transport, settings=settings)).claimed:
                    sent += result.sent
                send_seconds = time.perf_counter() - started
                transport.close()
                kinds = db.session.scalars(select(OutboxMessage.status)
                                          .where(OutboxMessage.kind == "message")).all()
        time.sleep(0.5)
        received, unique = sink.drain()
    finally:
        sink.close()
    print(f"\nMessages to {GUESTS} guests on SQLite")
    print(f"{'figure':<40} {'seconds':>8} {'target':>8}  ok")
    print(f"{'queue the message (one request)':<40} {queue_seconds:>8.2f} {'< 3':>8}  "
          f"{'yes' if queue_seconds < QUEUE_TARGET else 'NO'}")
    print(f"{'reference: bulk insert of outbox rows':<40} {reference_seconds:>8.2f} {'-':>8}")
    print(f"{'worker: render and send all':<40} {send_seconds:>8.2f} {'< 60':>8}  "
          f"{'yes' if send_seconds < SEND_TARGET else 'NO'}")
    print(f"sent {sent}, statuses {sorted(set(map(str, kinds)))}, SMTP server received "
          f"{received} ({unique} distinct Message-IDs)")
    ok = queue_seconds < QUEUE_TARGET and send_seconds < SEND_TARGET and unique == GUESTS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
