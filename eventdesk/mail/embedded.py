"""The outbox worker that ``eventdesk serve`` runs beside gunicorn, restarted when it dies.

It is the ``eventdesk worker`` command in a child process: the gunicorn master
forks its web workers, and a thread holding database connections or locks in
that master would be copied into each of them. So no thread watches it either:
gunicorn's master loop, which wakes at least every second, calls ``check()``.
"""

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from eventdesk.mail.transport import local_mail_allowed

_COMMAND = "from eventdesk.cli import main; main()"
log = logging.getLogger("eventdesk.supervisor")


class MailWorkerSupervisor:
    """Start the mail worker, and start it again with a growing delay each time it dies."""

    FIRST_DELAY = 1.0
    MAX_DELAY = 60.0
    # A worker that ran this long was healthy: the next death starts the delays over.
    STEADY_SECONDS = 60.0

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.delay = self.FIRST_DELAY
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.restarts = 0

    @classmethod
    def for_app(cls, app: Flask) -> "MailWorkerSupervisor | None":
        """Return a supervisor, or None (and say so) when mail has nowhere to go."""
        if not app.config.get("SMTP_URL") and not local_mail_allowed(app.config):
            log.warning("Mail is queued but not sent: set EVENTDESK_SMTP_URL to deliver it.")
            return None
        return cls()

    def start(self) -> None:
        """Start the worker process."""
        self.process = subprocess.Popen(
            [sys.executable, "-c", _COMMAND, "worker", "--parent-pid", str(os.getpid())]
        )
        self.started_at = time.monotonic()
        self.restart_at = None

    def check(self) -> None:
        """Notice a dead worker and restart it once its delay has passed."""
        if self.process is None:
            return
        if self.restart_at is None:
            code = self.process.poll()
            if code is None:
                return
            if time.monotonic() - self.started_at >= self.STEADY_SECONDS:
                self.delay = self.FIRST_DELAY
            # gunicorn's master reaps every child, so the exit status is often lost.
            how = f"with status {code}" if code else "(killed or exited)"
            log.error("mail worker pid %d stopped %s; restarting it in %.0f s",
                      self.process.pid, how, self.delay,
                      extra={"pid": self.process.pid, "restart_in": self.delay})
            self.restart_at = time.monotonic() + self.delay
            self.delay = min(self.delay * 2, self.MAX_DELAY)
            return
        if time.monotonic() >= self.restart_at:
            self.restarts += 1
            self.start()
            log.warning("mail worker restarted as pid %d (restart %d)", self.process.pid,
                        self.restarts, extra={"pid": self.process.pid})

    def stop(self) -> None:
        """Stop the worker process."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


@contextmanager
def embedded_worker(app: Flask) -> Iterator[subprocess.Popen | None]:
    """Run the outbox worker in a child process (unsupervised) for as long as the block runs."""
    supervisor = MailWorkerSupervisor.for_app(app)
    if supervisor is None:
        yield None
        return
    supervisor.start()
    try:
        yield supervisor.process
    finally:
        supervisor.stop()
