"""Read stored messages back for the development mailbox."""

import email
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

_CID_SRC = re.compile(r"""(["'])cid:([^"']+)\1""")


@dataclass(frozen=True)
class Attachment:
    """One part of a message that can be downloaded."""

    index: int
    filename: str
    content_type: str
    size: int


def parse(raw: bytes) -> EmailMessage:
    """Parse stored bytes into a message."""
    if not raw.isascii():
        # Only SMTPUTF8 mail has 8-bit bytes, in its headers, and they are UTF-8.
        return email.message_from_string(raw.decode("utf-8", "replace"), policy=policy.default)
    return email.message_from_bytes(raw, policy=policy.default)


def leaf_parts(message: EmailMessage) -> list[EmailMessage]:
    """Return the non-multipart parts in tree order."""
    return [part for part in message.walk() if not part.is_multipart()]


def body(message: EmailMessage, subtype: str) -> str | None:
    """Return the text of the plain or HTML body, if there is one."""
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else None


def attachments(message: EmailMessage) -> list[Attachment]:
    """List every leaf part except the text bodies, with its index for downloading."""
    found = []
    for index, part in enumerate(leaf_parts(message)):
        if part.get_content_type() in {"text/plain", "text/html"} and not part.get_filename():
            continue
        content = part.get_payload(decode=True) or b""
        name = part.get_filename() or _describe(part) or f"part-{index}"
        found.append(Attachment(index, name, part.get_content_type(), len(content)))
    return found


def _describe(part: EmailMessage) -> str:
    method = part.get_param("method")
    if part.get_content_type() == "text/calendar" and method:
        return f"calendar (METHOD:{method})"
    return part.get("Content-ID", "").strip().strip("<>")


def part_at(message: EmailMessage, index: int) -> EmailMessage | None:
    """Return the leaf part at ``index``, or None."""
    parts = leaf_parts(message)
    return parts[index] if 0 <= index < len(parts) else None


def part_by_cid(message: EmailMessage, cid: str) -> EmailMessage | None:
    """Return the part whose Content-ID is ``cid`` (without angle brackets)."""
    for part in leaf_parts(message):
        if part.get("Content-ID", "").strip().strip("<>") == cid:
            return part
    return None


def link_cids(html: str, url_for_cid) -> str:
    """Point every ``cid:`` image in ``html`` at a URL, as a mail client would."""
    return _CID_SRC.sub(lambda m: f"{m.group(1)}{url_for_cid(m.group(2))}{m.group(1)}", html)
