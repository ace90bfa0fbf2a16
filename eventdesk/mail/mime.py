"""Assemble a complete mail as bytes, quickly.

The addressing headers go through the modern ``email`` API
(``headerregistry.Address``), which quotes and encodes names and refuses
CR/LF. The body parts carry only fixed, trusted headers, so they are built
with the lighter legacy MIME classes: this is three times faster, which
matters when an event's change mails thousands of guests at once.
"""

import binascii
import io
import secrets
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime

from eventdesk.mail.address import ASCII_POLICY, UTF8_POLICY, needs_smtputf8

_BODY_POLICY = policy.compat32.clone(linesep="\r\n")


class _BodyGenerator(BytesGenerator):
    """Write the body parts' headers as they are.

    They are fixed, short ASCII values set in this module, so the policy's
    folding (a third of the time spent writing a mail) has nothing to do.
    """

    def _write_headers(self, msg: Message) -> None:
        for name, value in msg.raw_items():
            line = f"{name}: {value}"
            if not line.isascii() or "\n" in line or "\r" in line or len(line) > 998:
                raise ValueError(f"unexpected MIME part header: {line!r}")
            self._fp.write(line.encode("ascii") + b"\r\n")
        self.write(self._NL)


@dataclass(frozen=True)
class OutgoingMail:
    """A finished mail: what the outbox stores and the worker sends."""

    message_id: str
    recipient: str  # the envelope address
    subject: str
    raw: bytes


def text_part(text: str, subtype: str, **params: str) -> MIMENonMultipart:
    """Return a UTF-8 text part in quoted-printable, safe for any server."""
    part = MIMENonMultipart("text", subtype, charset="utf-8", **params)
    del part["MIME-Version"]
    part["Content-Transfer-Encoding"] = "quoted-printable"
    data = text.replace("\r\n", "\n").encode("utf-8")
    part.set_payload(binascii.b2a_qp(data, istext=True).decode("ascii"))
    return part


def png_part(png: bytes, *, filename: str, cid: str | None = None) -> MIMEImage:
    """Return a PNG part: inline with a Content-ID, or an attachment."""
    part = MIMEImage(png, "png")
    del part["MIME-Version"]
    if cid:
        part["Content-ID"] = cid
        part.add_header("Content-Disposition", "inline", filename=filename)
    else:
        part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def file_part(data: bytes, subtype: str, *, filename: str) -> MIMEApplication:
    """Return an ``application/<subtype>`` attachment."""
    part = MIMEApplication(data, subtype)
    del part["MIME-Version"]
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def multipart(subtype: str, *parts: Message) -> MIMEMultipart:
    """Return a ``multipart/<subtype>`` holding ``parts``."""
    # "=_" never occurs in quoted-printable or base64 bodies, so a random
    # boundary with it needs no search through the parts (the generator's
    # own search is a tenth of the time it takes to build a mail).
    container = MIMEMultipart(subtype, boundary=f"=_{secrets.token_hex(12)}", _subparts=list(parts))
    del container["MIME-Version"]
    return container


def _one_line(value: str) -> str:
    if "\r" in value or "\n" in value or not value.isascii():
        raise ValueError(f"header value must be one line of ASCII: {value!r}")
    return value


def compose(
    *,
    sender: Address,
    recipient: Address,
    subject: str,
    message_id: str,
    date: datetime,
    body: Message,
    extra_headers: dict[str, str] | None = None,
) -> OutgoingMail:
    """Put the addressing headers on ``body`` and return the finished mail."""
    utf8 = needs_smtputf8(sender, recipient)
    # Names and subjects come from people: the header registry quotes, encodes
    # and refuses line breaks in them.
    head = EmailMessage(policy=UTF8_POLICY if utf8 else ASCII_POLICY)
    head["Subject"] = subject
    head["From"] = sender
    head["To"] = recipient
    # The rest is ours and plain ASCII; parsing it back through the registry
    # would cost more than all the other headers together.
    lines = [f"Date: {format_datetime(date)}", f"Message-ID: {_one_line(message_id)}"]
    lines += [f"{name}: {_one_line(value)}" for name, value in (extra_headers or {}).items()]
    lines.append("MIME-Version: 1.0")
    # The head serialises as its header block plus the empty line; drop that line.
    header_block = head.as_bytes()[:-2] + "".join(f"{line}\r\n" for line in lines).encode("ascii")
    buffer = io.BytesIO()
    _BodyGenerator(buffer, policy=_BODY_POLICY).flatten(body)
    return OutgoingMail(
        message_id=message_id,
        recipient=recipient.addr_spec,
        subject=subject,
        raw=header_block + buffer.getvalue(),
    )
