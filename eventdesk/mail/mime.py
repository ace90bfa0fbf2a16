"""Assemble a complete mail as bytes, quickly.

The addressing headers go through the modern ``email`` API
(``headerregistry.Address``), which quotes and encodes names and refuses
CR/LF. The body parts carry only fixed, trusted headers, so they are built
with the lighter legacy MIME classes: this is three times faster, which
matters when an event's change mails thousands of guests at once.
"""

import binascii
import functools
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime

from eventdesk.inputs import has_control_characters, one_line
from eventdesk.mail.address import ASCII_POLICY, UTF8_POLICY, needs_smtputf8

_NEWLINE = re.compile(r"\r\n|\r|\n")


def _write_part(part: Message, out: list[bytes]) -> None:
    """Append ``part`` as MIME bytes with CRLF line ends, as ``BytesGenerator`` writes it.

    The part headers are fixed, short ASCII values set in this module, so
    they are written as they are (the generator would refold them). The
    payloads are already quoted-printable or base64, and no line is turned
    into ">From " (that is for mbox files, not SMTP).
    """
    for name, value in part.raw_items():
        line = f"{name}: {value}"
        if not line.isascii() or "\n" in line or "\r" in line or len(line) > 998:
            raise ValueError(f"unexpected MIME part header: {line!r}")
        out.append(line.encode("ascii") + b"\r\n")
    out.append(b"\r\n")
    payload = part.get_payload()
    if isinstance(payload, list):
        delimiter = b"--" + part.get_boundary().encode("ascii")
        for number, child in enumerate(payload):
            out.append(delimiter + b"\r\n" if number == 0 else b"\r\n" + delimiter + b"\r\n")
            _write_part(child, out)
        out.append(b"\r\n" + delimiter + b"--\r\n")
    elif payload:
        out.append(_NEWLINE.sub("\r\n", payload).encode("ascii"))


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
    if subtype == "related" and parts:
        # RFC 2387 requires the root part's type on multipart/related.
        container.set_param("type", parts[0].get_content_type())
    return container


def _one_line(value: str) -> str:
    if "\r" in value or "\n" in value or not value.isascii():
        raise ValueError(f"header value must be one line of ASCII: {value!r}")
    return value


def _header(name: str, value: str | Address, utf8: bool) -> bytes:
    """Return one header line as the email package encodes and folds it."""
    header_policy = UTF8_POLICY if utf8 else ASCII_POLICY
    return header_policy.fold_binary(*header_policy.header_store_parse(name, value))


# A name of plain words and an address of plain atoms: what the registry
# writes for these is the text itself (a test holds it to that).
_PLAIN_NAME = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
_PLAIN_ATOMS = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*")


def _address_header(name: str, address: Address, utf8: bool) -> bytes:
    """Return an address header line; plain names skip the registry's parser."""
    display, user, domain = address.display_name, address.username, address.domain
    if (
        (not display or _PLAIN_NAME.fullmatch(display))
        and _PLAIN_ATOMS.fullmatch(user)
        and _PLAIN_ATOMS.fullmatch(domain)
    ):
        line = f"{name}: {display} <{user}@{domain}>" if display else f"{name}: {user}@{domain}"
        if len(line) <= 78:
            return line.encode("ascii") + b"\r\n"
    return _header(name, address, utf8)


def address_header(name: str, address: Address) -> bytes:
    """Return an ASCII address header line, encoded and folded as the ticket mails' are."""
    return _address_header(name, address, False)


# An Address header is parsed from the address's text either way, so the
# text is as good a key as the Address (which cannot be hashed).
_shared_header = functools.lru_cache(maxsize=256)(_header)


def compose(
    *,
    sender: Address,
    recipient: Address,
    subject: str,
    message_id: str,
    date: datetime,
    body: Message,
    extra_headers: dict[str, str] | None = None,
    reply_to: Address | None = None,
) -> OutgoingMail:
    """Put the addressing headers on ``body`` and return the finished mail."""
    utf8 = needs_smtputf8(sender, recipient)
    # Names and subjects come from people: the header registry quotes, encodes
    # and refuses line breaks in them. A title saved with a line break before
    # the forms refused one must not stop every mail of its event, so the
    # subject is made one line here. Subject and From repeat from mail to
    # mail, so their encoded lines are kept.
    if has_control_characters(subject):
        subject = one_line(subject)
    head = _shared_header("Subject", subject, utf8) + _shared_header("From", str(sender), utf8)
    head += _address_header("To", recipient, utf8)
    if reply_to is not None:
        head += _address_header("Reply-To", reply_to, utf8)
    # The rest is ours and plain ASCII; parsing it back through the registry
    # would cost more than all the other headers together.
    lines = [f"Date: {format_datetime(date)}", f"Message-ID: {_one_line(message_id)}"]
    lines += [f"{name}: {_one_line(value)}" for name, value in (extra_headers or {}).items()]
    lines.append("MIME-Version: 1.0")
    header_block = head + "".join(f"{line}\r\n" for line in lines).encode("ascii")
    out = [header_block]
    _write_part(body, out)
    return OutgoingMail(
        message_id=message_id,
        recipient=recipient.addr_spec,
        subject=subject,
        raw=b"".join(out),
    )
