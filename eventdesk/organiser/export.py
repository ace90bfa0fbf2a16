"""The attendee list as CSV, streamed row by row, in the shape Dutch Excel reads well.

Excel dialect: UTF-8 with BOM, ';' between fields, CRLF, every field quoted;
the plain dialect uses ',' for scripts. Cells a guest or organiser typed are
guarded against formula injection.
"""

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import String, select, type_coerce

from eventdesk.checkin.models import Door
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.organiser.answers import answer_text
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.spreadsheet import guard

BOM = "\ufeff"
BATCH = 1000


class ExcelNL(csv.Dialect):
    delimiter = ";"
    quotechar = '"'
    doublequote = True
    quoting = csv.QUOTE_ALL
    lineterminator = "\r\n"
    skipinitialspace = False


class PlainCSV(ExcelNL):
    delimiter = ","


DIALECTS = {"excel": ExcelNL, "csv": PlainCSV}


class _LocalTimes:
    """Write UTC moments as ISO 8601 in the event's zone, fast enough for 100,000 rows.

    SQLite hands the stored UTC text back (the columns are read as text): the
    zone's offset is then worked out once per minute of the clock rather than
    per value. Drivers that return datetimes (PostgreSQL) take the plain path.
    """

    def __init__(self, zone) -> None:
        self.zone = zone
        self.offsets: dict[str, tuple[timedelta, str]] = {}

    def __call__(self, value: str | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            return moment.astimezone(self.zone).isoformat(timespec="seconds")
        naive = datetime.fromisoformat(value[:19])
        key = value[:16]
        known = self.offsets.get(key)
        if known is None:
            local = naive.replace(tzinfo=UTC).astimezone(self.zone)
            known = (local.utcoffset(), local.isoformat()[19:])
            if len(self.offsets) > 100_000:
                self.offsets.clear()
            self.offsets[key] = known
        return (naive + known[0]).isoformat() + known[1]

    def naive(self, value: str | datetime | None) -> datetime | None:
        """Return the moment as a naive local datetime, the way spreadsheets store dates."""
        if value is None:
            return None
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            return moment.astimezone(self.zone).replace(tzinfo=None)
        key = value[:16]
        known = self.offsets.get(key)
        if known is None:
            self(value)
            known = self.offsets[key]
        return datetime.fromisoformat(value[:19]) + known[0]


class _Line:
    """A file-like sink that hands back what the csv writer wrote."""

    def write(self, text: str) -> str:
        return text


def header(event: Event, language: str, *, cell=None) -> list[str]:
    """Return the column titles: one per extra question, then the invitation columns.

    ``cell`` prepares a typed-in title (a question's label); the CSV guards it.
    """
    cell = cell or guard
    titles = [
        _("Status"), _("Name"), _("Email address"), _("Organisation"), _("Language"),
        _("Registered at"), _("Confirmed at"), _("Cancelled at"), _("Checked in at"), _("Door"),
        *(cell(question.label(language)) for question in event.questions),
    ]
    if getattr(event, "invitation_only", False):
        titles += [_("Invitation answer"), _("Came with")]
    return titles


def _text(column):
    # Skip the per-value type conversion; _LocalTimes reads the stored text.
    return type_coerce(column, String)


def _answer_columns(event: Event, language: str) -> list[tuple[str, dict[str, str]]]:
    # Plain (key, value -> text) pairs, worked out once: reading ORM attributes
    # and building choice lists per row costs more than the rest of the row.
    columns = []
    for question in event.questions:
        texts = {
            value: answer_text(question, value, language)
            for value in ("yes", "no", *(c["value"] for c in question.choices))
        }
        columns.append((str(question.id), texts))
    return columns


def status_words() -> dict[str, str]:
    """Return the statuses an export shows, in words in the current language."""
    return {
        RegistrationStatus.CONFIRMED.value: _("Confirmed"),
        RegistrationStatus.WAITLISTED.value: _("Waiting list"),
        RegistrationStatus.CANCELLED.value: _("Cancelled"),
    }


def language_names() -> dict[str, str]:
    """Return the guests' languages in words in the current language."""
    return {"nl": _("Dutch"), "en": _("English")}


def rows(event: Event, language: str, *, status_names: bool = False) -> Iterator[list[str]]:
    """Yield one list of cells per registration, read from the database in batches.

    ``status_names`` writes the status in words (for people); else its code (for scripts).
    """
    return _rows(
        event.id, _LocalTimes(event.zone), _answer_columns(event, language),
        status_words() if status_names else {},
        invitations=_invitation_cells(event),
    )


def typed_rows(event: Event, language: str) -> Iterator[list]:
    """Yield one row per registration for a spreadsheet: words, and naive local datetimes.

    Nothing is guarded: the spreadsheet writer stores every text as text.
    """
    return _rows(
        event.id, _LocalTimes(event.zone).naive, _answer_columns(event, language),
        status_words(), invitations=_invitation_cells(event), cell=_as_is,
        languages=language_names(),
    )


def _as_is(value: str | None) -> str:
    return value or ""


def _invitation_cells(event: Event) -> dict[int, tuple[str, str]] | None:
    # Invitation-only events add who answered their invitation and who came with whom.
    if not getattr(event, "invitation_only", False):
        return None
    from eventdesk.invitations.export import invitation_cells

    return invitation_cells(event)


def _rows(
    event_id: int, when: "_LocalTimes", columns: list, names: dict, *,
    invitations: dict[int, tuple[str, str]] | None = None, cell=guard,
    languages: dict[str, str] | None = None,
) -> Iterator[list]:
    statement = (
        select(
            _text(Registration.status), Registration.name, Registration.email,
            Registration.organisation, Registration.language, _text(Registration.created_at),
            _text(Registration.confirmed_at), _text(Registration.cancelled_at),
            _text(Registration.checked_in_at), Door.name, Registration.answers, Registration.id,
        )
        .outerjoin(Door, Door.id == Registration.checked_in_door_id)
        # Unconfirmed registrations hold nothing and may well be a bot's: not attendees.
        .where(Registration.event_id == event_id,
               Registration.status != RegistrationStatus.PENDING)
        .order_by(Registration.id)
        # Plain Core rows, not ORM objects: nothing piles up in the session's
        # identity map, the ORM's per-row work is skipped, and on PostgreSQL
        # yield_per reads through a server-side cursor.
        .execution_options(yield_per=BATCH)
    )
    for (status, name, email, organisation, guest_language, created, confirmed, cancelled,
         checked_in, door, answers, registration_id) in db.session.connection().execute(statement):
        answers = answers or {}
        row = [
            names.get(status, status), cell(name), cell(email), cell(organisation),
            languages.get(guest_language, guest_language) if languages else guest_language,
            when(created), when(confirmed), when(cancelled), when(checked_in), cell(door),
        ]
        for key, texts in columns:
            value = answers.get(key) or ""
            row.append(cell(texts.get(value, value)))
        if invitations is not None:
            row.extend(invitations.get(registration_id, ("", "")))
        yield row


def export_chunks(event: Event, *, dialect: str = "excel", language: str = "nl") -> Iterator[str]:
    """Return the CSV text in chunks of about a thousand rows, the BOM first for Excel.

    Everything taken from ``event`` is read now, before streaming starts: a
    streamed response outlives the request's session, which detaches ``event``.
    """
    head = header(event, language)
    row_iterator = rows(event, language, status_names=dialect == "excel")
    return _chunks(DIALECTS[dialect], head, row_iterator, bom=dialect == "excel")


def _chunks(dialect, head: list[str], row_iterator, *, bom: bool) -> Iterator[str]:
    writer = csv.writer(_Line(), dialect=dialect)
    if bom:
        yield BOM
    yield writer.writerow(head)
    chunk: list[str] = []
    for row in row_iterator:
        chunk.append(writer.writerow(row))
        if len(chunk) >= BATCH:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def filename(event: Event, dialect: str) -> str:
    """Return the download's file name."""
    return f"{event.slug}-attendees{'-excel' if dialect == 'excel' else ''}.csv"
