"""Answering an invitation: yes (with companions), no, and changing one's mind.

Functions here flush but never commit; the caller owns the transaction.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from eventdesk.db import db
from eventdesk.events.service import RegistrationWindow, registration_window
from eventdesk.inputs import normalize_email
from eventdesk.invitations import mails
from eventdesk.invitations.models import Answer, Invitee
from eventdesk.invitations.service import InvitationError
from eventdesk.registration import service as registration_service
from eventdesk.registration.admission import Guest, admit
from eventdesk.registration.errors import NoSeatFree
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.registration.outcomes import Happened
from eventdesk.registration.seats import Seating

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class LinkClosed(InvitationError):
    """The answer deadline has passed, or the event no longer takes guests."""


class TooManyCompanions(InvitationError):
    """The invitee named more companions than the invitation allows."""


class NotEnoughSeats(InvitationError):
    """There are fewer free seats than the guest and their companions need."""

    def __init__(self, seats_left: int) -> None:
        super().__init__(seats_left)
        self.seats_left = seats_left


@dataclass(frozen=True)
class Companion:
    """A plus-one as the guest names them; without an address the ticket goes to the guest."""

    name: str
    email: str = ""


def answers_open(invitee: Invitee, *, now: datetime) -> bool:
    """Tell whether the invitee's link still takes answers."""
    event = invitee.event
    if event.rsvp_closes_at and now >= event.rsvp_closes_at:
        return False
    window = registration_window(event, now=now)
    return window in (RegistrationWindow.OPEN, RegistrationWindow.NOT_YET_OPEN)


def active_registration(invitee: Invitee) -> Registration | None:
    """Return the invitee's live registration, if they said yes and kept it."""
    registration = invitee.registration
    if registration is not None and registration.status in ACTIVE:
        return registration
    return None


def companions_of(registration: Registration) -> list[Registration]:
    """Return the live companions a guest brings."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.companion_of_id == registration.id,
                Registration.status.in_(ACTIVE),
            )
            .order_by(Registration.id)
        )
    )


def accept(
    invitee: Invitee,
    *,
    name: str,
    organisation: str,
    answers: Mapping[str, str],
    companions: Sequence[Companion] = (),
    now: datetime,
) -> Registration:
    """Answer yes: register the invitee and their companions, each with a ticket."""
    if not answers_open(invitee, now=now):
        raise LinkClosed()
    if len(companions) > invitee.extra_guests:
        raise TooManyCompanions()
    event = invitee.event
    if event.seats_left is not None and 0 < event.seats_left < 1 + len(companions):
        raise NotEnoughSeats(event.seats_left)
    outcome = registration_service.register(
        event,
        name=name,
        email=invitee.email,
        organisation=organisation,
        answers=answers,
        language=invitee.language,
        now=now,
        invited=True,
    )
    guest = outcome.registration
    if outcome.created:
        for companion in companions:
            _add_companion(guest, companion, now=now)
    invitee.registration_id = guest.id
    invitee.answer = Answer.YES
    invitee.answered_at = now
    invitee.decline_message = ""
    db.session.flush()
    return guest


def _add_companion(guest: Registration, companion: Companion, *, now: datetime) -> Registration:
    own_address = companion.email.strip()
    # Without an address of their own the companion must not take the guest's
    # place in the one-registration-per-address rule. Nor may an address that
    # is registered already turn the guest away: that would tell anyone with
    # an invitation who else is coming. Such a companion is registered (and
    # mailed) just like any other, under a key of their own.
    key = normalize_email(own_address) if own_address else _companion_key()
    details = Guest(
        name=companion.name.strip(),
        email=own_address or guest.email,
        organisation=guest.organisation,
        language=guest.language,
    )
    # A companion of a confirmed guest needs a seat; one of a waiting guest waits too.
    seating = (
        Seating.REQUIRED if guest.status == RegistrationStatus.CONFIRMED else Seating.WAITLIST
    )
    try:
        outcome = admit(guest.event, details, now=now, seating=seating, key=key,
                        companion_of=guest, start_again=())
        if outcome.happened == Happened.REPEATED:
            # The address is registered already (perhaps just now, alongside).
            outcome = admit(guest.event, details, now=now, seating=seating,
                            key=_companion_key(), companion_of=guest, start_again=())
    except NoSeatFree:
        raise NotEnoughSeats(guest.event.seats_left or 0) from None
    registration = outcome.registration
    mails.companion_ticket(registration, guest, own_address=bool(own_address))
    return registration


def _companion_key() -> str:
    return f"companion:{uuid.uuid4().hex}"


def decline(invitee: Invitee, *, message: str = "", now: datetime) -> None:
    """Answer no; a guest who had said yes loses their registration and companions."""
    if not answers_open(invitee, now=now):
        raise LinkClosed()
    registration = active_registration(invitee)
    if registration is not None:
        for companion in companions_of(registration):
            registration_service.cancel_registration(companion, now=now)
        registration_service.cancel_registration(registration, now=now)
    invitee.answer = Answer.NO
    invitee.answered_at = now
    invitee.decline_message = message.strip()[:2000]
    db.session.flush()
