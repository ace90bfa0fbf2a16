"""The one formula guard for every file a spreadsheet opens (CSV exports of guests and invitees).

OWASP's rule: a cell a guest or organiser typed that starts a formula gets a
leading apostrophe, so the spreadsheet shows it as text and runs nothing.
"""

import re

# OWASP's list: these start a formula (or hide one after a line break) in spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_STARTS = frozenset(FORMULA_STARTS)
# A leading + or -, then only digits and phone punctuation, with at least one digit.
_PHONE_LIKE = re.compile(r"[+-][0-9 ().+/-]*[0-9][0-9 ().+/-]*")


def guard(value: str | None) -> str:
    """Make a typed-in value inert in a spreadsheet: a leading ' before a formula start.

    A phone number such as ``+31 6 12345678`` is left alone: digits, spaces and
    ``+ - ( ) . /`` can name no function, cell, link or command, so at worst a
    spreadsheet does sums with them; an apostrophe there would only spoil the number.
    """
    if not value:
        return ""
    if value[0] in _STARTS and not _PHONE_LIKE.fullmatch(value):
        return "'" + value
    return value
