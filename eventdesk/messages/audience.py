"""Who a message goes to: the guests the organiser chose, never pending or cancelled ones."""

from dataclasses import dataclass

from sqlalchemy import select

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.invitations.models import Answer, Invitee
from eventdesk.messages.models import Audience
from eventdesk.registration.models import Registration, RegistrationStatus


@dataclass(frozen=True)
class Filter:
    """The chosen group, narrowed by organisation and by an answer to a question."""

    audience: Audience
    organisation: str = ""
    question_id: int | None = None
    answer: str = ""


def _registrations(event: Event, audience: Audience):
    query = select(Registration).where(Registration.event_id == event.id)
    if audience == Audience.WAITLISTED:
        return query.where(Registration.status == RegistrationStatus.WAITLISTED)
    # Every other group is among the confirmed: pending guests have not
    # confirmed their address and cancelled guests get nothing further.
    query = query.where(Registration.status == RegistrationStatus.CONFIRMED)
    if audience == Audience.CHECKED_IN:
        return query.where(Registration.checked_in_at.is_not(None))
    if audience == Audience.NOT_CHECKED_IN:
        return query.where(Registration.checked_in_at.is_(None))
    return query


def _same(left: str, right: str) -> bool:
    return left.strip().casefold() == right.strip().casefold()


def select_guests(event: Event, chosen: Filter) -> list[Registration | Invitee]:
    """Return the guests (or silent invitees) of ``event`` that ``chosen`` names, by id."""
    if chosen.audience == Audience.INVITEES_SILENT:
        guests = list(db.session.scalars(
            select(Invitee).where(
                Invitee.event_id == event.id,
                Invitee.invited_at.is_not(None),
                Invitee.answer == Answer.NONE,
            ).order_by(Invitee.id)
        ))
    else:
        guests = list(db.session.scalars(
            _registrations(event, chosen.audience).order_by(Registration.id)
        ))
    if chosen.organisation.strip():
        guests = [guest for guest in guests if _same(guest.organisation, chosen.organisation)]
    if chosen.question_id is not None and chosen.audience != Audience.INVITEES_SILENT:
        key = str(chosen.question_id)
        guests = [guest for guest in guests
                  if _same(str((guest.answers or {}).get(key, "")), chosen.answer)]
    return guests
