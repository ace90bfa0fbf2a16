"""``eventdesk worker``: deliver the outbox in a process of its own."""

import logging
import os
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from eventdesk.db import utcnow
from eventdesk.housekeeping import run_chores
from eventdesk.mail.transport import local_mail_allowed
from eventdesk.mail.worker import Unrecorded, WorkerSettings, deliver_batch, run_worker
from eventdesk.messages.schedule import queue_due
from eventdesk.operations.heartbeat import record_pass

log = logging.getLogger("eventdesk.mail")


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
        from eventdesk.mail.transport import make_transport

        settings = WorkerSettings.from_config(app.config)
        transport = make_transport(app.config)
        sent = 0
        unrecorded = Unrecorded()
        queue_due(now=utcnow())
        try:
            while True:
                result = deliver_batch(transport, settings=settings, unrecorded=unrecorded)
                sent += result.sent
                if result.claimed < settings.batch_size or result.connection_lost:
                    break
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
