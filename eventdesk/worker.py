"""The background worker: send queued mail, queue scheduled messages, do the hourly chores.

``eventdesk worker`` runs it in a process of its own; ``eventdesk serve``
starts that command beside gunicorn (``eventdesk.mail.embedded``). Each pass
queues the messages that are due, sends a batch from the outbox and notes
the pass for ``/healthz``; about hourly it also does the chores (erasing data
past its retention, forgetting unconfirmed registrations).
"""

import logging
import os
import signal
import threading
import time
from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from eventdesk.db import db, utcnow
from eventdesk.housekeeping import run_chores
from eventdesk.mail.transport import local_mail_allowed, make_transport
from eventdesk.mail.worker import Unrecorded, WorkerSettings, deliver_batch, send_due
from eventdesk.messages.schedule import queue_due
from eventdesk.operations.heartbeat import record_pass

log = logging.getLogger("eventdesk.mail")

CHORES_INTERVAL_SECONDS = 3600


def _quiet_rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # a connection that is gone cannot roll back; the pool replaces it
        db.session.close()


def run_worker(
    app: Flask,
    *,
    stop: threading.Event,
    should_stop: Callable[[], bool] = lambda: False,
    chores: Callable[[], None] | None = None,
    before_pass: Callable[[], None] | None = None,
) -> None:
    """Deliver the outbox until ``stop`` is set; back off while the server is down.

    ``chores`` (such as erasing data past its retention) runs about hourly;
    ``before_pass`` (queueing the messages that are due) before every pass.
    """
    settings = WorkerSettings.from_config(app.config)
    unrecorded = Unrecorded()  # kept across passes, so a blip's debts are paid after it
    with app.app_context():
        transport = make_transport(app.config)
        outage_wait = settings.retry_base
        chores_due = time.monotonic()
        try:
            while not stop.is_set() and not should_stop():
                if chores is not None and time.monotonic() >= chores_due:
                    chores_due = time.monotonic() + CHORES_INTERVAL_SECONDS
                    try:
                        chores()
                    except Exception:  # a failed chore must not stop the mail
                        db.session.rollback()
                        log.exception("periodic chores failed")
                if before_pass is not None:
                    try:
                        before_pass()
                    except Exception:  # queued mail still goes out meanwhile
                        _quiet_rollback()
                        log.exception("queueing due messages failed")
                try:
                    result = deliver_batch(transport, settings=settings, unrecorded=unrecorded)
                    record_pass()
                except Exception:  # keep the worker alive through database hiccups
                    db.session.rollback()
                    log.exception("outbox pass failed")
                    stop.wait(settings.poll_seconds)
                    continue
                if result.sent:
                    log.info("sent %d message(s)", result.sent)
                if result.connection_lost:
                    log.warning(
                        "mail server unreachable, next try in %s: %s",
                        outage_wait,
                        result.errors[-1],
                    )
                    stop.wait(outage_wait.total_seconds())
                    outage_wait = min(outage_wait * 2, settings.retry_max)
                    continue
                outage_wait = settings.retry_base
                if result.claimed < settings.batch_size:
                    transport.close()
                    stop.wait(settings.poll_seconds)
        finally:
            transport.close()
            db.session.remove()


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--parent-pid", type=int, hidden=True, help="Stop when this process is gone.")
@with_appcontext
def worker_command(once: bool, parent_pid: int | None) -> None:
    """Send queued mail, retrying with backoff, until stopped."""
    app = current_app._get_current_object()
    if not app.config.get("SMTP_URL") and not local_mail_allowed(app.config):
        raise click.ClickException(
            "EVENTDESK_SMTP_URL is not set, e.g. smtp://user:pass@mail.example.org:587?starttls=true"
        )
    if once:
        settings = WorkerSettings.from_config(app.config)
        transport = make_transport(app.config)
        queue_due(now=utcnow())
        try:
            sent = send_due(transport, settings=settings)
        finally:
            transport.close()
        record_pass(force=True)
        click.echo(f"Sent {sent} message(s).")
        return

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    mode = "SMTP" if app.config.get("SMTP_URL") else "the local development mailbox"
    log.info("eventdesk worker: delivering mail to %s.", mode)
    run_worker(
        app,
        stop=stop,
        chores=run_chores,
        before_pass=lambda: queue_due(now=utcnow()),
        # Started by `eventdesk serve`: end with it, even if it was killed.
        should_stop=(lambda: os.getppid() != parent_pid) if parent_pid else (lambda: False),
    )
