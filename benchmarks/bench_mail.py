"""Mail benchmark: rendering ticket mails on one core, delivering 2,000 queued mails.

Run with ``python -m benchmarks.bench_mail``. Figures are medians of a few
rounds, with a bare reference measured in the same run, because these
machines are shared and noisy:

- render: complete ticket mails (QR PNG, calendar, HTML + text, MIME) per
  second of CPU time on one core (less disturbed by other load than wall
  time, which is shown too), against rendering the QR PNG alone;
- deliver: the outbox worker rendering and sending 2,000 queued mails to a
  local aiosmtpd server in another process, against a bare ``smtplib`` loop
  sending the same (already rendered) bytes over one connection.
"""

import argparse
import multiprocessing
import os
import re
import smtplib
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

RENDER_TARGET = 150.0  # mails a second on one core
DELIVER_TARGET = 30.0  # seconds for 2,000 mails


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _smtp_server(port: int, ready, counts) -> None:
    """Run a counting aiosmtpd server until terminated (in a child process)."""
    import signal

    from aiosmtpd.controller import Controller

    class Counter:
        def __init__(self) -> None:
            self.ids: set[bytes] = set()
            self.total = 0

        async def handle_DATA(self, server, session, envelope):
            self.total += 1
            found = re.search(rb"^Message-ID: (\S+)", envelope.original_content, re.M)
            self.ids.add(found.group(1) if found else b"")
            counts.put((self.total, len(self.ids)))
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    signal.sigwait({signal.SIGTERM})
    controller.stop()


class SmtpSink:
    """A counting SMTP server in its own process, so it does not share our core."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.port = _free_port()
        self.counts = context.Queue()
        ready = context.Event()
        self.process = context.Process(
            target=_smtp_server, args=(self.port, ready, self.counts), daemon=True
        )
        self.process.start()
        if not ready.wait(30):
            raise RuntimeError("the SMTP server did not start")
        self.total = self.unique = 0

    def drain(self) -> tuple[int, int]:
        """Return (messages received, distinct Message-IDs) so far."""
        while not self.counts.empty():
            self.total, self.unique = self.counts.get()
        return self.total, self.unique

    def close(self) -> None:
        self.process.terminate()
        self.process.join(10)


def _make_app(folder: Path, smtp_url: str | None):
    from eventdesk import create_app
    from eventdesk.db import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "BASE_URL": "https://events.example.org",
            "MAIL_FROM": "Techport <events@techport.example.org>",
            "SMTP_URL": smtp_url,
            "MAIL_BATCH_SIZE": 100,
            "MAIL_POLL_SECONDS": 0.05,
        }
    )
    with app.app_context():
        db.create_all()
    return app


def _seed(count: int):
    """Create an event with ``count`` confirmed guests (no mail); return them."""
    from eventdesk.db import db
    from eventdesk.events.models import Event, EventStatus
    from eventdesk.registration.codes import new_ticket_code
    from eventdesk.registration.models import Registration, RegistrationStatus

    now = datetime.now(UTC)
    event = Event(
        slug="10-jaar-techport", status=EventStatus.PUBLISHED, title_nl="10 jaar Techport",
        title_en="Techport turns 10", venue="Techport Centre",
        address="Kanaalstraat 1, 1976 BA IJmuiden", starts_at=now + timedelta(days=40),
        ends_at=now + timedelta(days=40, hours=4), capacity=None,
    )
    guests = [
        Registration(
            event=event, status=RegistrationStatus.CONFIRMED, name=f"Gast {number} de Vries",
            email=f"gast{number}@example.org", email_normalized=f"gast{number}@example.org",
            language=("nl", "en")[number % 2], ticket_code=new_ticket_code(), consented_at=now,
            confirmed_at=now,
        )
        for number in range(count)
    ]
    db.session.add_all(guests)
    db.session.commit()
    return guests


def bench_render(app, *, mails: int, rounds: int) -> dict:
    """Return render rates: complete ticket mails and the QR PNG alone."""
    from flask_babel import force_locale

    from eventdesk.registration.guest_mail import MailText
    from eventdesk.tickets.calendar import Method
    from eventdesk.tickets.mails import build_guest_mail
    from eventdesk.tickets.qr import qr_png

    with app.app_context():
        guests = _seed(mails)
        now = datetime.now(UTC)

        def render_all() -> tuple[float, float]:
            wall, cpu = time.perf_counter(), time.process_time()
            for guest in guests:
                with force_locale(guest.language):
                    text = MailText("Your ticket", "You are registered", ["Welcome!"],
                                    with_ticket=True, invite=Method.REQUEST)
                    build_guest_mail(guest, text, now=now)
            return mails / (time.process_time() - cpu), mails / (time.perf_counter() - wall)

        def qr_all() -> float:
            cpu = time.process_time()
            for guest in guests:
                qr_png(guest.ticket_code)
            return mails / (time.process_time() - cpu)

        render_all()  # warm up templates and imports
        runs = [render_all() for _ in range(rounds)]
        qr = statistics.median(qr_all() for _ in range(rounds))
    return {
        "render": statistics.median(cpu for cpu, _ in runs),
        "render_wall": statistics.median(wall for _, wall in runs),
        "qr": qr,
    }


def bench_deliver(folder: Path, *, mails: int) -> dict:
    """Return seconds to deliver ``mails`` queued mails: the worker, and bare smtplib."""
    from sqlalchemy import select

    from eventdesk.db import db
    from eventdesk.mail.models import OutboxMessage, OutboxStatus
    from eventdesk.registration import notify
    from eventdesk.worker import run_worker

    sink = SmtpSink()
    try:
        app = _make_app(folder, f"smtp://127.0.0.1:{sink.port}")
        with app.app_context():
            guests = _seed(mails)
            # Queue a distinct mail for every guest, as registrations would; the
            # worker renders each one before sending it.
            for start in range(0, mails, 500):
                for guest in guests[start:start + 500]:
                    notify.ticket_resent(guest)
                db.session.commit()

        stop = threading.Event()
        worker = threading.Thread(target=run_worker, args=(app,), kwargs={"stop": stop})
        started = time.perf_counter()
        worker.start()
        deadline = started + 300
        while sink.drain()[0] < mails and time.perf_counter() < deadline:
            time.sleep(0.02)
        worker_seconds = time.perf_counter() - started
        stop.set()
        worker.join(30)
        received, unique = sink.drain()
        with app.app_context():
            sent = len(db.session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.SENT)
            ).all())
            # The bytes the worker rendered and kept, for the bare reference.
            raws = [
                (m.recipient, m.raw)
                for m in db.session.scalars(select(OutboxMessage)) if m.raw is not None
            ]

        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", sink.port) as bare:
            for recipient, raw in raws:
                bare.sendmail("events@techport.example.org", [recipient], raw)
        bare_seconds = time.perf_counter() - started
    finally:
        sink.close()
    return {
        "worker": worker_seconds,
        "bare": bare_seconds,
        "received": received,
        "unique": unique,
        "sent": sent,
    }


def main(argv: list[str] | None = None) -> int:
    """Run both figures and print a table; exit 1 if a mail went missing or was doubled."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_mail", description=__doc__)
    parser.add_argument("--render", type=int, default=300, help="mails per render round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--deliver", type=int, default=2000,
                        help="mails to deliver (0: render figure only)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="eventdesk-bench-mail-") as temp:
        folder = Path(temp)
        (folder / "render").mkdir()
        cores = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(cores)})  # rendering on one core, as the target says
        try:
            render = bench_render(_make_app(folder / "render", None), mails=args.render,
                                  rounds=args.rounds)
        finally:
            os.sched_setaffinity(0, cores)
        # The SMTP server runs in its own process, on the other core.
        (folder / "deliver").mkdir()
        deliver = bench_deliver(folder / "deliver", mails=args.deliver) if args.deliver else None

    rows = [
        ("render ticket mail (QR, calendar, MIME), per CPU-second",
         f"{render['render']:.0f} mails/s (wall {render['render_wall']:.0f}/s)",
         f"QR PNG alone {render['qr']:.0f}/s", f"{render['render'] / render['qr']:.2f}",
         f">= {RENDER_TARGET:.0f}/s", render["render"] >= RENDER_TARGET),
    ]
    if deliver:
        rows += [
            (f"render + deliver {args.deliver} queued mails (worker)", f"{deliver['worker']:.1f} s",
             f"bare smtplib {deliver['bare']:.1f} s",
             f"{deliver['worker'] / deliver['bare']:.2f}",
             f"< {DELIVER_TARGET:.0f} s", deliver["worker"] < DELIVER_TARGET),
            ("received / distinct Message-IDs / marked sent",
             f"{deliver['received']} / {deliver['unique']} / {deliver['sent']}", "", "",
             f"{args.deliver} each", deliver["unique"] == deliver["sent"] == args.deliver),
        ]
    header = ("figure", "result", "reference (same run)", "ratio", "target", "ok")
    table = [header] + [(*row[:5], "yes" if row[5] else "NO") for row in rows]
    widths = [max(len(str(line[i])) for line in table) for i in range(len(header))]
    for number, line in enumerate(table):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            print("-+-".join("-" * width for width in widths))
    return 0 if not deliver or rows[2][5] else 1


if __name__ == "__main__":
    sys.exit(main())
