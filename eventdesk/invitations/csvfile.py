"""Read an invitee list as Excel and other tools save it, and check every row.

Excel writes ``;``-separated files in Dutch settings and ``,`` elsewhere, in
UTF-8 with a BOM ("CSV UTF-8") or in Windows-1252 ("CSV"), with CRLF line
ends; "Unicode text" is UTF-16 with tabs. All of these are read here.
"""

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from eventdesk.inputs import normalize_email, one_line, strict_int

MAX_ROWS = 10_000
MAX_EXTRA_GUESTS = 20
LANGUAGES = ("nl", "en")
# What people type in a language column, in either language.
LANGUAGE_WORDS = {
    "nl": "nl", "nl-nl": "nl", "nl_nl": "nl", "nederlands": "nl", "dutch": "nl", "ned": "nl",
    "en": "en", "en-gb": "en", "en_gb": "en", "en-us": "en", "english": "en", "engels": "en",
    "eng": "en",
}

# Accepted column headings (lower case, without spaces, dashes or underscores).
COLUMNS = {
    "name": {"name", "naam", "fullname", "volledigenaam", "contact", "contactpersoon"},
    "email": {"email", "mail", "emailaddress", "emailadres", "mailadres"},
    "organisation": {"organisation", "organization", "organisatie", "company", "bedrijf",
                     "school", "partner"},
    "language": {"language", "taal", "lang"},
    "extra_guests": {"extraguests", "guests", "plusones", "plusone", "companions",
                     "extragasten", "introducees", "introducés", "gasten"},
}
_HEADING_NOISE = re.compile(r"[\s\-_.]+")
# Control characters that never occur in a text file (tab, LF and CR do).
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CsvError(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class Row:
    """One invitee as read from the file, with what is wrong with it."""

    line: int
    name: str
    email: str
    organisation: str
    language: str
    extra_guests: int
    problems: list[str] = field(default_factory=list)
    already_invited: bool = False


@dataclass
class Preview:
    """The checked contents of an uploaded list."""

    rows: list[Row]
    encoding: str
    delimiter: str
    ignored_columns: list[str]

    @property
    def problem_rows(self) -> list[Row]:
        """Return the rows that stop the import."""
        return [row for row in self.rows if row.problems]

    @property
    def new_rows(self) -> list[Row]:
        """Return the rows that the import would add."""
        return [row for row in self.rows if not row.problems and not row.already_invited]

    @property
    def known_rows(self) -> list[Row]:
        """Return the rows that are invited already and will be skipped."""
        return [row for row in self.rows if row.already_invited and not row.problems]

    @property
    def importable(self) -> bool:
        """Tell whether confirming would import the list."""
        return not self.problem_rows and bool(self.new_rows)


def decode(data: bytes) -> tuple[str, str]:
    """Return the text of an uploaded file and the encoding it was read in."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise CsvError(_("The file is empty."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise CsvError(_("The file could not be read as text.")) from error
    if b"\x00" in data[:4096]:
        raise CsvError(_("This is not a CSV file. Save the list from Excel as CSV and try again."))
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as error:
            raise CsvError(_("The file could not be read as text.")) from error
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise CsvError(
            _("The file is in an unknown character set. Save it from Excel as \"CSV UTF-8\".")
        ) from error
    if _BINARY_CHARS.search(text[:4096]):
        raise CsvError(_("This is not a CSV file. Save the list from Excel as CSV and try again."))
    return text, "Windows-1252"


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _column_key(heading: str) -> str | None:
    cleaned = _HEADING_NOISE.sub("", heading.strip().lower())
    for key, names in COLUMNS.items():
        if cleaned in names:
            return key
    return None


def _clean(value: str) -> str:
    return " ".join(one_line(value).split())


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], str, list[str]]:
    """Split ``text`` into (line number, values by column) pairs; return the separator
    and the headings that were ignored."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except StopIteration as error:
        raise CsvError(_("The file is empty.")) from error
    except csv.Error as error:
        raise CsvError(_("The file could not be read as CSV.")) from error
    keys = [_column_key(heading) for heading in header]
    if "email" not in keys or "name" not in keys:
        raise CsvError(
            _("The first row must name the columns, with at least \"name\" and \"email\".")
        )
    ignored = [heading.strip() for heading, key in zip(header, keys, strict=True)
               if key is None and heading.strip()]
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise CsvError(
                    _("The list has more than %(max)d rows. Split it into smaller files.",
                      max=MAX_ROWS)
                )
            values: dict[str, str] = {}
            for key, cell in zip(keys, cells, strict=False):
                if key and key not in values:
                    values[key] = _clean(cell)
            rows.append((reader.line_num, values))
    except csv.Error as error:
        raise CsvError(
            _("Line %(line)d could not be read as CSV.", line=reader.line_num)
        ) from error
    return rows, delimiter, ignored


def _language(value: str, default: str) -> str:
    if not value:
        return default
    return LANGUAGE_WORDS.get(value.strip().lower(), value.strip().lower()[:5])


def check_row(line: int, values: dict[str, str], *, default_language: str) -> Row:
    """Turn one line's values into a Row and note what is wrong with it."""
    row = Row(
        line=line,
        name=values.get("name", ""),
        email=values.get("email", ""),
        organisation=values.get("organisation", ""),
        language=_language(values.get("language", ""), default_language),
        extra_guests=0,
    )
    if not row.name:
        row.problems.append(_("The name is missing."))
    elif len(row.name) > 200 or len(row.organisation) > 200:
        row.problems.append(_("The name or organisation is longer than 200 characters."))
    if not row.email:
        row.problems.append(_("The email address is missing."))
    else:
        try:
            validate_email(row.email, check_deliverability=False)
        except EmailNotValidError:
            row.problems.append(_("\"%(email)s\" is not a valid email address.", email=row.email))
    if row.language not in LANGUAGES:
        row.problems.append(_("The language must be \"nl\" or \"en\"."))
    guests = values.get("extra_guests", "")
    if guests:
        number = strict_int(guests, minimum=0, maximum=MAX_EXTRA_GUESTS)
        if number is not None:
            row.extra_guests = number
        else:
            row.problems.append(
                _("Extra guests must be a number from 0 to %(max)d.", max=MAX_EXTRA_GUESTS)
            )
    return row


def preview(
    data: bytes, *, invited: Collection[str] = (), default_language: str = "nl"
) -> Preview:
    """Read and check an uploaded list; ``invited`` holds the addresses invited already."""
    text, encoding = decode(data)
    raw_rows, delimiter, ignored = read_rows(text)
    if not raw_rows:
        raise CsvError(_("The file has column names but no invitees."))
    seen: dict[str, int] = {}
    rows = []
    for line, values in raw_rows:
        row = check_row(line, values, default_language=default_language)
        key = normalize_email(row.email)
        if key and key in seen:
            row.problems.append(
                _("This address is also on line %(line)d.", line=seen[key])
            )
        elif key:
            seen[key] = line
            row.already_invited = key in invited
        rows.append(row)
    return Preview(rows=rows, encoding=encoding, delimiter=delimiter, ignored_columns=ignored)
