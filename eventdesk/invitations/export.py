"""Invitees and their answers for spreadsheets: a CSV of their own, and cells for
the attendee export. Streamed row by row; typed-in cells are made formula-safe."""

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.invitations.models import Invitee
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.spreadsheet import guard

EXPORT_HEADER = ("name", "email", "organisation", "language", "extra_guests_allowed",
                 "answer", "answered_at", "decline_message", "invited_at", "companions")


def export_rows(event: Event) -> Iterator[tuple[str, ...]]:
    """Yield one CSV row per invitee (after EXPORT_HEADER), cells safe for spreadsheets.

    Times are ISO 8601 in the event's time zone.
    """
    companions = dict(
        db.session.execute(
            select(Registration.companion_of_id, func.count())
            .where(
                Registration.event_id == event.id,
                Registration.companion_of_id.is_not(None),
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .group_by(Registration.companion_of_id)
        ).all()
    )
    query = (
        select(Invitee)
        .where(Invitee.event_id == event.id)
        .order_by(Invitee.organisation, Invitee.name)
        .execution_options(yield_per=500)
    )

    def moment(value: datetime | None) -> str:
        return value.astimezone(event.zone).isoformat(timespec="seconds") if value else ""

    for invitee in db.session.scalars(query):
        yield tuple(
            guard(value)
            for value in (
                invitee.name,
                invitee.email,
                invitee.organisation,
                invitee.language,
                str(invitee.extra_guests),
                invitee.answer.value,
                moment(invitee.answered_at),
                invitee.decline_message,
                moment(invitee.invited_at),
                str(companions.get(invitee.registration_id, 0)),
            )
        )


def invitation_cells(event: Event) -> dict[int, tuple[str, str]]:
    """Map registration ids to (invitation answer, name of the guest they came with).

    For the attendee export: an invited guest's row gets their answer, a
    companion's row the name of the guest who brought them. Registrations that
    came in publicly are not in the map.
    """
    cells: dict[int, tuple[str, str]] = {}
    for registration_id, answer in db.session.execute(
        select(Invitee.registration_id, Invitee.answer).where(
            Invitee.event_id == event.id, Invitee.registration_id.is_not(None)
        )
    ):
        cells[registration_id] = (answer.value, "")
    guest = aliased(Registration)
    for companion_id, guest_name in db.session.execute(
        select(Registration.id, guest.name)
        .join(guest, guest.id == Registration.companion_of_id)
        .where(Registration.event_id == event.id)
    ):
        cells[companion_id] = ("", guard(guest_name))
    return cells


def csv_lines(event: Event, *, delimiter: str = ";") -> Iterator[str]:
    """Yield the CSV text: a BOM, the header, then one quoted CRLF line per invitee."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line(EXPORT_HEADER)
    for row in export_rows(event):
        yield line(row)
