"""Compose a complete mail as bytes with the standard library's ``email`` package.

Every mail eventdesk sends (tickets, invitations, organisers' messages) is
built here, with ``email.message.EmailMessage``:

    multipart/mixed                       (only with attachments)
      multipart/alternative
        text/plain
        text/html                         (or multipart/related: the HTML and
                                           its inline image, shown through cid:)
        text/calendar; method=...         (an invite: REQUEST or CANCEL)
      attachments                         (the ticket PNG, invite.ics, ...)

Headers go through the header registry, which quotes and encodes names and
refuses line breaks. A mail to or from an address with a non-ASCII local
part is written with UTF-8 headers (``policy.SMTPUTF8``); every other mail
is plain ASCII (``policy.SMTP``). Both write CRLF line ends.

Two settings keep a ticket mail at a few milliseconds (figures in
benchmarks/PROFILE.md, "mail"): text parts are encoded by a content manager
that uses ``binascii``'s quoted-printable encoder (the email package's own
is written in Python and was a third of the time), and every multipart gets
a boundary with "=_" in it, which quoted-printable and base64 never write,
so the generator need not search the whole mail for a safe one.
"""

import binascii
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.contentmanager import ContentManager
from email.headerregistry import Address
from email.message import EmailMessage

from eventdesk.inputs import has_control_characters, one_line
from eventdesk.mail.address import ASCII_POLICY, UTF8_POLICY, needs_smtputf8

_TOKEN = re.compile(r"[A-Za-z0-9-]+")


def _set_text(message: EmailMessage, text: str, subtype: str = "plain", *,
              params: dict[str, str] | None = None) -> None:
    """Store ``text`` as a UTF-8 quoted-printable part: readable, and short lines."""
    extra = "".join(f"; {name}={value}" for name, value in (params or {}).items()
                    if _TOKEN.fullmatch(name) and _TOKEN.fullmatch(value))
    message["Content-Type"] = f"text/{subtype}; charset=utf-8{extra}"
    message["Content-Transfer-Encoding"] = "quoted-printable"
    data = text.replace("\r\n", "\n").encode("utf-8")
    message.set_payload(binascii.b2a_qp(data, istext=True).decode("ascii"))


# For the text parts; images and files go through the email package's own.
_TEXT = ContentManager()
_TEXT.add_set_handler(str, _set_text)


@dataclass(frozen=True)
class OutgoingMail:
    """A finished mail: what the outbox stores and the worker sends."""

    message_id: str
    recipient: str  # the envelope address
    subject: str
    raw: bytes


@dataclass(frozen=True)
class Attachment:
    """A file attached to a mail."""

    data: bytes
    content_type: str  # e.g. "image/png", "application/ics"
    filename: str


@dataclass(frozen=True)
class InlineImage:
    """An image the HTML shows through ``cid:`` (Gmail strips ``data:`` images)."""

    data: bytes
    content_type: str
    cid: str  # with its angle brackets, as a Message-ID
    filename: str


@dataclass(frozen=True)
class CalendarInvite:
    """A calendar object shown as an invite (the ``text/calendar`` alternative)."""

    ics: bytes
    method: str  # REQUEST or CANCEL; equals the calendar's METHOD


def compose(
    *,
    sender: Address,
    recipient: Address,
    subject: str,
    message_id: str,
    date: datetime,
    text: str,
    html: str,
    inline_image: InlineImage | None = None,
    invite: CalendarInvite | None = None,
    attachments: Sequence[Attachment] = (),
    reply_to: Address | None = None,
    headers: dict[str, str] | None = None,
) -> OutgoingMail:
    """Return the finished mail: headers, text and HTML, and the optional parts."""
    # A title saved with a line break before the forms refused one must not
    # stop every mail of its event, so the subject is made one line here.
    if has_control_characters(subject):
        subject = one_line(subject)
    utf8 = needs_smtputf8(sender, recipient) or (
        reply_to is not None and needs_smtputf8(reply_to)
    )
    message = EmailMessage(policy=UTF8_POLICY if utf8 else ASCII_POLICY)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message["Date"] = date
    message["Message-ID"] = message_id
    message.set_content(text, "plain", content_manager=_TEXT)
    message.add_alternative(html, "html", content_manager=_TEXT)
    if inline_image is not None:
        maintype, _, subtype = inline_image.content_type.partition("/")
        html_part = message.get_payload()[-1]
        html_part.add_related(inline_image.data, maintype, subtype, cid=inline_image.cid,
                              disposition="inline", filename=inline_image.filename)
        # RFC 2387: the root part's type on multipart/related.
        html_part.set_param("type", "text/html")
    if invite is not None:
        message.add_alternative(invite.ics.decode("utf-8"), "calendar",
                                params={"method": invite.method}, content_manager=_TEXT)
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if maintype in ("multipart", "message"):  # a container would need parts, not bytes
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(attachment.data, maintype, subtype or "octet-stream",
                               filename=attachment.filename)
    # Added last: turning the message into a multipart moves every Content-*
    # header (such as Content-Language) down into the first part.
    for name, value in (headers or {}).items():
        message[name] = value
    for part in message.walk():
        if part.is_multipart():
            part.set_boundary(f"=_{secrets.token_hex(12)}")
        # The email package marks every part it adds; only the message needs it.
        if part is not message:
            del part["MIME-Version"]
    return OutgoingMail(
        message_id=message_id,
        recipient=recipient.addr_spec,
        subject=subject,
        raw=message.as_bytes(),
    )
