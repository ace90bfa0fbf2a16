"""The outbox worker that ``eventdesk serve`` runs beside gunicorn.

It is the ``eventdesk worker`` command in a child process: the gunicorn master
forks its web workers, and a thread holding database connections or locks in
that master would be copied into each of them.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask

from eventdesk.mail.transport import local_mail_allowed

_COMMAND = "from eventdesk.cli import main; main()"


@contextmanager
def embedded_worker(app: Flask) -> Iterator[subprocess.Popen | None]:
    """Run the outbox worker in a child process for as long as the block runs."""
    if not app.config.get("SMTP_URL") and not local_mail_allowed(app.config):
        click.echo("  Mail is queued but not sent: set EVENTDESK_SMTP_URL to deliver it.", err=True)
        yield None
        return
    process = subprocess.Popen(
        [sys.executable, "-c", _COMMAND, "worker", "--parent-pid", str(os.getpid())]
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
