"""Write many invitation mails quickly: the fixed head once, then a few bytes per invitee.

``eventdesk.mail.mime.compose`` runs every header through the ``email``
header registry, which costs milliseconds a mail: fine for one ticket, slow
for a list of 5,000 invitees. An invitation is always the same shape (a
multipart/alternative of a text and an HTML part), so here the parts that
are the same for the whole list (Subject, From) are encoded once with the
standard library's policy, and only the recipient, the Message-ID and the
quoted-printable bodies are written per mail. An address that needs
SMTPUTF8 (a non-ASCII local part) is not handled here: the caller falls back
to ``compose``.
"""

import binascii
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from eventdesk.inputs import has_control_characters, one_line
from eventdesk.mail.address import ASCII_POLICY, clean_display_name, needs_smtputf8
from eventdesk.mail.mime import OutgoingMail, address_header


def _qp(text: str) -> bytes:
    data = text.replace("\r\n", "\n").encode("utf-8")
    return binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")


@dataclass(frozen=True)
class MailHead:
    """The header lines shared by every mail of one batch and language."""

    subject: str
    head: bytes  # Subject and From, encoded and folded by the email package
    date: bytes

    @classmethod
    def build(cls, *, subject: str, sender: Address, date: datetime) -> "MailHead":
        """Encode ``subject`` and ``sender`` once for a batch."""
        if has_control_characters(subject):  # an old title may hold a line break
            subject = one_line(subject)
        message = EmailMessage(policy=ASCII_POLICY)
        message["Subject"] = subject
        message["From"] = sender
        # The serialised head ends with the empty line that separates the body.
        head = message.as_bytes()[:-2]
        return cls(subject, head, f"Date: {format_datetime(date)}\r\n".encode("ascii"))


def fast_mail(
    head: MailHead, *, recipient: Address, message_id: str, text: str, html: str,
    extra_headers: dict[str, str] | None = None, reply_to: Address | None = None,
) -> OutgoingMail | None:
    """Return the finished mail, or None when the recipient needs the full composer."""
    if needs_smtputf8(recipient) or (reply_to is not None and needs_smtputf8(reply_to)):
        return None
    # Folded and encoded as the ticket mails' To is: a long name stays within 78 columns.
    to = address_header(
        "To", Address(display_name=clean_display_name(recipient.display_name),
                      username=recipient.username, domain=recipient.domain)
    )
    extra = b"".join(
        f"{name}: {value}\r\n".encode("ascii") for name, value in (extra_headers or {}).items()
        if value.isascii() and "\r" not in value and "\n" not in value
    )
    if reply_to is not None:
        extra += address_header("Reply-To", reply_to)
    boundary = f"=_{secrets.token_hex(12)}"
    parts = [
        head.head,
        to,
        head.date,
        b"Message-ID: ", message_id.encode("ascii"), b"\r\n",
        extra,
        b"Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n",
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode("ascii"),
    ]
    for subtype, content in (("plain", text), ("html", html)):
        parts += [
            f"--{boundary}\r\n".encode("ascii"),
            f'Content-Type: text/{subtype}; charset="utf-8"\r\n'.encode("ascii"),
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n",
            _qp(content),
            b"\r\n",
        ]
    parts.append(f"--{boundary}--\r\n".encode("ascii"))
    return OutgoingMail(
        message_id=message_id,
        recipient=recipient.addr_spec,
        subject=head.subject,
        raw=b"".join(parts),
    )
