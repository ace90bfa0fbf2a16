"""Seats and the waiting list: who gets a seat, in what order, and promotion.

Seats are claimed through the event's seat counter (``events.service``:
a conditional counter UPDATE), never by counting rows in Python. The rules
here return what happened and queue no mail (see ``registration.outcomes``).
"""

import enum
from datetime import datetime

from sqlalchemy import func, select, update

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.events.service import force_seat, release_seat, take_seat
from eventdesk.registration.codes import new_ticket_code
from eventdesk.registration.errors import NoSeatFree, NotWaitlisted
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.registration.outcomes import Happened

__all__ = ["NoSeatFree", "NotWaitlisted", "Seating"]


class Seating(enum.Enum):
    """How a registration is seated."""

    IF_FREE = "if_free"  # a seat while seats last, else the waiting list
    WAITLIST = "waitlist"  # the waiting list only
    REQUIRED = "required"  # a seat, or NoSeatFree
    FORCED = "forced"  # a seat, past the capacity if need be
    CONFIRM_ADDRESS = "confirm_address"  # nothing until the guest confirms their address


def settle(registration: Registration, *, now: datetime, seating: Seating) -> tuple[Happened, bool]:
    """Give a waiting ``registration`` a seat as ``seating`` says, else leave it waiting.

    Returns what happened and whether the seat was forced past the capacity.
    Raises ``NoSeatFree`` for ``Seating.REQUIRED`` when the event is full.
    """
    event = registration.event
    if seating != Seating.WAITLIST:
        if take_seat(event):
            confirm(registration, now=now)
            return Happened.SEATED, False
        if seating == Seating.FORCED:
            force_seat(event)
            confirm(registration, now=now)
            return Happened.SEATED, True
        if seating == Seating.REQUIRED:
            raise NoSeatFree()
    registration.status = RegistrationStatus.WAITLISTED
    db.session.flush()
    return Happened.WAITLISTED, False


def confirmed_values(now: datetime) -> dict:
    """Return the columns of a confirmed registration: status, time and a new ticket code.

    A new registration gets them in its INSERT, saving an UPDATE.
    """
    return {
        "status": RegistrationStatus.CONFIRMED,
        "confirmed_at": now,
        "ticket_code": new_ticket_code(),
    }


def confirm(registration: Registration, *, now: datetime) -> None:
    """Mark ``registration`` confirmed with a ticket code; its seat is already claimed."""
    for column, value in confirmed_values(now).items():
        setattr(registration, column, value)
    db.session.flush()


def waitlist_position(registration: Registration) -> int | None:
    """Return the 1-based place on the waiting list, or None if not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.id < registration.id,
        )
    )
    return (ahead or 0) + 1


def fill_free_seats(event: Event, *, now: datetime) -> list[Registration]:
    """Confirm waiting guests, in arrival order, while seats are free; return them."""
    promoted: list[Registration] = []
    while take_seat(event):
        candidate = db.session.scalar(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.id)
            .limit(1)
            .with_for_update()
        )
        if candidate is None:
            release_seat(event)
            break
        confirm(candidate, now=now)
        promoted.append(candidate)
    return promoted


def seat_chosen(registration: Registration, *, now: datetime) -> None:
    """Confirm one chosen guest from the waiting list, if a seat is free."""
    if registration.status != RegistrationStatus.WAITLISTED:
        raise NotWaitlisted()
    if not take_seat(registration.event):
        raise NoSeatFree()
    # Conditional on still waiting, so a double click cannot take two seats.
    table = Registration.__table__
    result = db.session.execute(
        update(table)
        .where(table.c.id == registration.id, table.c.status == RegistrationStatus.WAITLISTED)
        .values(status=RegistrationStatus.CONFIRMED)
    )
    if result.rowcount != 1:
        release_seat(registration.event)
        db.session.expire(registration)
        raise NotWaitlisted()
    db.session.expire(registration, ["status"])
    confirm(registration, now=now)
