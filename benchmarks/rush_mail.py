"""Where the benchmarked eventdesk's mail goes: an SMTP sink on loopback.

``eventdesk serve`` runs its outbox worker beside gunicorn once it has an SMTP
server to send to, as on a one-machine install; the benchmark gives it this
sink for the whole run, so every figure (and the rush with its delivery check)
is measured with the worker rendering and sending on the same two cores.
"""

import email
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller

from benchmarks import processes, seed


@dataclass
class Sink:
    """An aiosmtpd handler that keeps each mail's recipients and Message-ID."""

    recipients: list[str] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    last_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        headers = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
            self.message_ids.append(str(headers["Message-ID"]))
            self.last_at = time.monotonic()
        return "250 OK"

    def count(self, prefix: str) -> int:
        with self.lock:
            return sum(1 for address in self.recipients if address.startswith(prefix))

    def wait_for(self, prefix: str, expected: int, *, time_limit: float) -> bool:
        """Wait until ``expected`` mails to ``prefix``… addresses came in; False on time-out."""
        deadline = time.monotonic() + time_limit
        while self.count(prefix) < expected:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True


@contextmanager
def smtp_sink() -> Iterator[tuple[Sink, str]]:
    """Run an SMTP sink on loopback; yield it with its ``smtp://`` URL."""
    sink = Sink()
    port = processes.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@contextmanager
def delivering(database_url: str, log: Path) -> Iterator[Sink]:
    """Run an SMTP sink and a separate ``eventdesk worker`` for as long as the block runs."""
    seed.drop_pending_mail(database_url)
    sink = Sink()
    port = processes.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EVENTDESK_SECRET_KEY": seed.SECRET_KEY,
        "EVENTDESK_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "EVENTDESK_BASE_URL": "http://127.0.0.1",
        "EVENTDESK_MAIL_POLL_SECONDS": "0.2",
    }
    with log.open("ab") as log_file:
        worker = subprocess.Popen(
            [sys.executable, "-c", "from eventdesk.cli import main; main()", "worker"],
            env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=processes.ROOT,
        )
        try:
            yield sink
        finally:
            processes.stop(worker)
            controller.stop()
