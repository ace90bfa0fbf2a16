"""A real SMTP server on loopback for the mail tests (aiosmtpd), and MIME helpers."""

import asyncio
import email
import socket
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from flask import Flask

from eventdesk.mail.transport import make_transport
from eventdesk.mail.worker import WorkerSettings, deliver_batch


@dataclass
class Received:
    """One message as the SMTP server got it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    smtputf8: bool

    @property
    def message(self) -> EmailMessage:
        if self.smtputf8:
            # The parser reads 8-bit headers as unknown bytes; SMTPUTF8 means UTF-8.
            return email.message_from_string(self.data.decode("utf-8"), policy=policy.default)
        return email.message_from_bytes(self.data, policy=policy.default)


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps what it receives and can misbehave on request.

    Recipients starting with ``refuse`` get a 550, ``busy`` a 451. ``drop_next``
    drops the connection in the middle of that many DATA commands; ``delay_next``
    makes the next DATA answer that many seconds late.
    """

    received: list[Received] = field(default_factory=list)
    drop_next: int = 0
    delay_next: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 No such user here"
        if address.startswith("busy"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        delay, self.delay_next = self.delay_next, 0.0
        if delay:
            await asyncio.sleep(delay)
        with self.lock:
            if self.drop_next > 0:
                self.drop_next -= 1
                server.transport.close()
                return "421 closing"
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    data=envelope.original_content,
                    smtputf8=envelope.smtp_utf8,
                )
            )
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [item.message["Message-ID"] for item in self.received]


def free_port() -> int:
    """Return a loopback port that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """Start, stop and restart an aiosmtpd server on one loopback port."""

    def __init__(self) -> None:
        self.handler = Recorder()
        self.port = free_port()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    def start(self) -> None:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=True
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def parts_by_type(message: EmailMessage) -> dict[str, list[EmailMessage]]:
    """Group the leaf parts of ``message`` by content type."""
    found: dict[str, list[EmailMessage]] = {}
    for part in message.walk():
        if not part.is_multipart():
            found.setdefault(part.get_content_type(), []).append(part)
    return found


def deliver(app: Flask) -> None:
    """Render and send everything that is due, as the worker does, with the app's transport.

    Without an SMTP server configured that is the development mailbox, which
    keeps each mail's bytes in the outbox.
    """
    transport = make_transport(app.config)
    try:
        while deliver_batch(transport, settings=WorkerSettings()).claimed:
            pass
    finally:
        transport.close()
