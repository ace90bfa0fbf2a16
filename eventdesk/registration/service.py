"""Registration actions: sign up, add by hand, changes, cancellation and promotion.

Each action applies the rules (``admission``, ``seats``), which return what
happened, and then hands that outcome to the one notify step, so mail is
queued only for what is final. Functions here flush but never commit; the
caller owns the transaction.
"""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select, update

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.events.service import release_seat
from eventdesk.registration import notify
from eventdesk.registration.admission import (
    Guest,
    admission,
    admit,
    find_registration,
)
from eventdesk.registration.errors import AlreadyCancelled, AlreadyRegistered
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.registration.outcomes import Happened, Outcome
from eventdesk.registration.seats import Seating, fill_free_seats, seat_chosen

__all__ = [
    "Outcome", "add_by_hand", "admission", "cancel_registration", "find_registration",
    "promote", "promote_waitlisted", "register", "registration_by_token", "update_details",
]


def registration_by_token(token: str) -> Registration | None:
    """Return the registration that owns a manage-link token."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Registration).where(Registration.manage_token == token))


def register(
    event: Event,
    *,
    name: str,
    email: str,
    organisation: str = "",
    answers: Mapping[str, str] | None = None,
    language: str = "nl",
    now: datetime,
    invited: bool = False,
    confirm_address: bool = False,
) -> Outcome:
    """Register a guest: confirmed while seats last, else on the waiting list; queue their mail.

    With ``confirm_address`` the guest is held as pending, without a seat,
    until they follow the link in the mail (see ``registration.confirmation``).

    A second registration with the same address changes nothing and mails the
    existing guest their own link, so the answer reveals nothing to others.
    A cancelled or pending registration of the address starts again.
    """
    waitlist_only = admission(event, now=now, invited=invited)
    if confirm_address:
        seating = Seating.CONFIRM_ADDRESS
    else:
        seating = Seating.WAITLIST if waitlist_only else Seating.IF_FREE
    guest = Guest(name=name, email=email, organisation=organisation,
                  answers=answers or {}, language=language)
    outcome = admit(event, guest, now=now, seating=seating)
    notify.announce(outcome)
    return outcome


def add_by_hand(
    event: Event,
    *,
    name: str,
    email: str,
    organisation: str = "",
    language: str = "nl",
    now: datetime,
) -> Registration:
    """Register a guest for an organiser, whatever the registration window says.

    Seats still count: a full event puts the guest on the waiting list.
    Raises ``AlreadyRegistered`` for an address with a live (or pending)
    registration; a cancelled one starts again, keeping its answers.
    """
    guest = Guest(name=name, email=email, organisation=organisation, language=language)
    outcome = admit(event, guest, now=now, start_again={RegistrationStatus.CANCELLED})
    if outcome.happened == Happened.REPEATED:
        raise AlreadyRegistered(outcome.registration)
    if not outcome.new_row:
        # The calendar entry of the cancelled registration comes back: one SEQUENCE on.
        outcome.registration.calendar_sequence += 1
        db.session.flush()
    notify.announce(outcome)
    return outcome.registration


def update_details(
    registration: Registration,
    *,
    name: str,
    organisation: str,
    answers: Mapping[str, str],
) -> None:
    """Change what the guest told us about themselves; a new name updates their calendar."""
    if registration.status == RegistrationStatus.CANCELLED:
        raise AlreadyCancelled()
    renamed = registration.name != name
    registration.name = name
    registration.organisation = organisation
    registration.answers = dict(answers)
    happened = Happened.UNCHANGED
    if renamed and registration.status == RegistrationStatus.CONFIRMED:
        # The invite names the guest (ATTENDEE;CN=): send it again, one SEQUENCE on.
        registration.calendar_sequence += 1
        happened = Happened.RENAMED
    db.session.flush()
    notify.announce(Outcome(registration, happened, new_row=False))


def withdraw(registration: Registration, *, now: datetime) -> Outcome:
    """Cancel a registration, free its seat and give it to the next waiting guest.

    Returns what happened; queues no mail.
    """
    previous = registration.status
    if previous == RegistrationStatus.CANCELLED:
        raise AlreadyCancelled()
    # Conditional on the status we saw, so a double click frees one seat only.
    table = Registration.__table__
    result = db.session.execute(
        update(table)
        .where(table.c.id == registration.id, table.c.status == previous)
        .values(status=RegistrationStatus.CANCELLED, cancelled_at=now)
    )
    db.session.expire(registration)
    if result.rowcount != 1:
        raise AlreadyCancelled()
    registration.calendar_sequence += 1
    db.session.flush()
    was_confirmed = previous == RegistrationStatus.CONFIRMED
    promoted: list[Registration] = []
    if was_confirmed:
        release_seat(registration.event)
        promoted = fill_free_seats(registration.event, now=now)
    return Outcome(registration, Happened.CANCELLED, new_row=False,
                   was_confirmed=was_confirmed, promoted=tuple(promoted))


def cancel_registration(registration: Registration, *, now: datetime) -> list[Registration]:
    """Cancel a registration, free its seat and promote the next waiting guest; queue the mails.

    Returns the guests promoted from the waiting list.
    """
    outcome = withdraw(registration, now=now)
    notify.announce(outcome)
    return list(outcome.promoted)


def promote_waitlisted(event: Event, *, now: datetime) -> list[Registration]:
    """Confirm waiting guests, in arrival order, while seats are free; mail them their tickets."""
    promoted = fill_free_seats(event, now=now)
    notify.announce(*(Outcome(guest, Happened.PROMOTED, new_row=False) for guest in promoted))
    return promoted


def promote(registration: Registration, *, now: datetime) -> None:
    """Confirm one chosen guest from the waiting list, if a seat is free, and mail the ticket."""
    seat_chosen(registration, now=now)
    notify.announce(Outcome(registration, Happened.PROMOTED, new_row=False))
