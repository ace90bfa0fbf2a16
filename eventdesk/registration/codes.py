"""Ticket codes: 160 random bits in uppercase base32 behind a version prefix."""

import base64
import re
import secrets

PREFIX = "ED1"
_RANDOM_BYTES = 20  # 160 bits: 32 base32 characters, no padding
CODE_LENGTH = len(PREFIX) + 32
_CODE_RE = re.compile(rf"^{PREFIX}[A-Z2-7]{{32}}$")


def new_ticket_code() -> str:
    """Return a fresh, unguessable ticket code."""
    return PREFIX + base64.b32encode(secrets.token_bytes(_RANDOM_BYTES)).decode("ascii")


# Base32 has no 0, 1 or 8: typed by hand they mean the letters they look like.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def clean_ticket_code(raw: str) -> str:
    """Normalise what a scanner or a person typed: no spaces or dashes, uppercase, look-alikes."""
    code = re.sub(r"[\s-]+", "", raw or "").upper()[: CODE_LENGTH + 8]
    if code.startswith(PREFIX):
        code = PREFIX + code[len(PREFIX):].translate(_LOOKALIKES)
    return code


def code_groups(code: str) -> list[str]:
    """Split a ticket code into the prefix and groups of four, for people to read."""
    if not code.startswith(PREFIX):
        return [code[i:i + 4] for i in range(0, len(code), 4)]
    rest = code[len(PREFIX):]
    return [PREFIX] + [rest[i:i + 4] for i in range(0, len(rest), 4)]


# The short form people type or read out: the first characters after the
# prefix. 40 bits, so two tickets of one event share it only rarely; a lookup
# by it must then refuse to guess.
SHORT_LENGTH = 8
_SHORT_RE = re.compile(rf"^[A-Z2-7]{{{SHORT_LENGTH}}}$")


def short_code(code: str) -> str:
    """Return the short form of a ticket code."""
    return code[len(PREFIX):len(PREFIX) + SHORT_LENGTH]


def short_code_display(code: str) -> str:
    """Return the short form grouped for reading, e.g. ``ABCD-EFGH``."""
    short = short_code(code)
    return f"{short[:4]}-{short[4:]}"


def clean_short_code(raw: str) -> str | None:
    """Return the short code a person typed, normalised, or None if it is not one."""
    code = re.sub(r"[\s-]+", "", raw or "").upper()[: SHORT_LENGTH + 2].translate(_LOOKALIKES)
    return code if _SHORT_RE.match(code) else None


def looks_like_ticket_code(code: str) -> bool:
    """Tell whether ``code`` has the shape of a ticket code."""
    return bool(_CODE_RE.match(code))
