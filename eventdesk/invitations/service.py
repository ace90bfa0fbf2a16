"""Invitee lists: add by hand, import a checked list, count the answers.

Functions here flush but never commit; the caller owns the transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, insert, select
from sqlalchemy.exc import IntegrityError

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.inputs import normalize_email
from eventdesk.invitations.csvfile import Preview, Row
from eventdesk.invitations.csvfile import preview as read_preview
from eventdesk.invitations.models import Answer, Invitee, new_invitation_token
from eventdesk.registration.models import Registration, RegistrationStatus


class InvitationError(Exception):
    """An invitation cannot be made or answered."""


class AlreadyInvited(InvitationError):
    """This address is invited to the event already."""


class ListChanged(InvitationError):
    """Someone else invited some of these addresses while the list was being checked."""


class NothingToImport(InvitationError):
    """The list has problems to fix, or no new invitees."""


def invited_addresses(event: Event) -> set[str]:
    """Return the normalised addresses invited to ``event``."""
    return set(
        db.session.scalars(select(Invitee.email_normalized).where(Invitee.event_id == event.id))
    )


def preview_upload(event: Event, data: bytes) -> Preview:
    """Read and check an uploaded list against the invitees ``event`` has already."""
    return read_preview(data, invited=invited_addresses(event))


def add_invitee(
    event: Event,
    *,
    name: str,
    email: str,
    organisation: str = "",
    language: str = "nl",
    extra_guests: int = 0,
    now: datetime,
) -> Invitee:
    """Invite one person to ``event``."""
    invitee = Invitee(
        event=event,
        name=name.strip(),
        email=email.strip(),
        email_normalized=normalize_email(email),
        organisation=organisation.strip(),
        language=language,
        extra_guests=extra_guests,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(invitee)
    except IntegrityError as error:
        raise AlreadyInvited() from error
    return invitee


def import_rows(event: Event, rows: Iterable[Row], *, now: datetime) -> int:
    """Add the new rows of a checked list, all or none; return how many were added."""
    values = [
        {
            "event_id": event.id,
            "name": row.name,
            "email": row.email,
            "email_normalized": normalize_email(row.email),
            "organisation": row.organisation,
            "language": row.language,
            "extra_guests": row.extra_guests,
            "token": new_invitation_token(),
            "answer": Answer.NONE,
            "decline_message": "",
            "created_at": now,
        }
        for row in rows
    ]
    if not values:
        return 0
    try:
        # One multi-row INSERT in a savepoint: a clash with an address invited
        # meanwhile undoes the whole list, never a part of it.
        with db.session.begin_nested():
            db.session.execute(insert(Invitee), values)
    except IntegrityError as error:
        raise ListChanged() from error
    return len(values)


def import_upload(event: Event, data: bytes, *, now: datetime) -> tuple[Preview, int]:
    """Check an upload again and import its new rows if nothing is wrong."""
    checked = preview_upload(event, data)
    if not checked.importable:
        raise NothingToImport()
    return checked, import_rows(event, checked.new_rows, now=now)


def invitee_by_token(token: str) -> Invitee | None:
    """Return the invitee who owns a personal link token."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Invitee).where(Invitee.token == token))


@dataclass(frozen=True)
class Tally:
    """Answers for one organisation (or the whole event, with organisation None)."""

    organisation: str | None
    invited: int
    accepted: int
    declined: int
    silent: int
    guests: int


def tally(event: Event) -> tuple[Tally, list[Tally]]:
    """Return the event's total and the counts per organisation, largest first."""
    query = (
        select(
            Invitee.organisation,
            func.count(),
            func.sum(case((Invitee.answer == Answer.YES, 1), else_=0)),
            func.sum(case((Invitee.answer == Answer.NO, 1), else_=0)),
        )
        .where(Invitee.event_id == event.id)
        .group_by(Invitee.organisation)
    )
    companions = dict(
        db.session.execute(
            select(Invitee.organisation, func.count(Registration.id))
            .join(Registration, Registration.companion_of_id == Invitee.registration_id)
            .where(
                Invitee.event_id == event.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .group_by(Invitee.organisation)
        ).all()
    )
    rows = []
    for organisation, invited, accepted, declined in db.session.execute(query):
        accepted, declined = int(accepted or 0), int(declined or 0)
        rows.append(
            Tally(organisation, invited, accepted, declined, invited - accepted - declined,
                  companions.get(organisation, 0))
        )
    rows.sort(key=lambda row: (-row.invited, row.organisation.lower()))
    total = Tally(
        None,
        sum(row.invited for row in rows),
        sum(row.accepted for row in rows),
        sum(row.declined for row in rows),
        sum(row.silent for row in rows),
        sum(row.guests for row in rows),
    )
    return total, rows


def invitees(event: Event) -> list[Invitee]:
    """Return ``event``'s invitees by organisation and name."""
    return list(
        db.session.scalars(
            select(Invitee)
            .where(Invitee.event_id == event.id)
            .order_by(Invitee.organisation, Invitee.name)
        )
    )


class StillComing(InvitationError):
    """The invitee said yes and holds a registration; cancel that first."""


def remove_invitee(invitee: Invitee) -> None:
    """Take someone off the list (a typo, a wrong address); their link stops working."""
    registration = invitee.registration
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        raise StillComing()
    db.session.delete(invitee)
    db.session.flush()
