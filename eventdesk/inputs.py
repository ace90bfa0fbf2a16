"""Rules for what comes in from outside: control characters, integers, addresses.

One rule each, used by the request guard, the forms, the CSV import, the
JSON API and the mail composer alike, so no entry point is looser than another.
Plain functions of plain values: no Flask, no database.
"""

import re
import unicodedata

# Every control character (C0, DEL, C1) except tab, line feed and carriage
# return; those three are refused separately wherever a value is one line.
_NEVER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Tab, line breaks, and the Unicode line and paragraph separators: fine in
# a multi-line text, never in a one-line value (a title, a name, a header).
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")

# Plain ASCII digits only: ``"²".isdigit()`` is True and ``int("٣")`` is 3.
_ASCII_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Tell whether ``text`` holds a character it must not (NUL never; line breaks if one line)."""
    if _NEVER.search(text):
        return True
    return not multiline and _LINE_BREAKS.search(text) is not None


def one_line(text: str | None) -> str:
    """Return ``text`` on one line: every control character and line break becomes a space."""
    return _ANY_CONTROL.sub(" ", text or "").strip()


def strict_int(text: object, *, minimum: int, maximum: int) -> int | None:
    """Return ``text`` as an int within the bounds, or None (ASCII digits only, no floats)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    elif isinstance(text, str) and _ASCII_INTEGER.fullmatch(text.strip()):
        value = int(text.strip())
    else:
        return None
    return value if minimum <= value <= maximum else None


def normalize_email(email: str) -> str:
    """Return the form of ``email`` under which addresses are stored and compared.

    NFC first, so "zoë" typed on a Mac (NFD) and on a phone (NFC) is one
    address; then the whole address in lower case. The local part is
    lower-cased too: RFC 5321 lets a server tell "Ada@" from "ada@", but no
    mailbox provider does, phones capitalise the first letter on their own,
    and keeping the case would let one guest register twice and miss their
    own registration when they look it up. It is also the rule every stored
    row was made with, so no stored key changes.
    """
    return unicodedata.normalize("NFC", email).strip().lower()
