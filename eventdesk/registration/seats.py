"""Seats and the waiting list: who gets a seat, in what order, and promotion.

Seats are claimed with the event's conditional counter UPDATE (see
``events.service.take_seat``), never by counting rows in Python.
"""

from datetime import datetime

from sqlalchemy import func, select, update

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.events.service import release_seat, take_seat
from eventdesk.registration import notify
from eventdesk.registration.codes import new_ticket_code
from eventdesk.registration.errors import NoSeatFree, NotWaitlisted
from eventdesk.registration.models import Registration, RegistrationStatus


def seat_or_waitlist(
    registration: Registration, *, now: datetime, waitlist_only: bool = False
) -> None:
    """Confirm ``registration`` if it gets a seat, else put it on the waiting list."""
    if not waitlist_only and take_seat(registration.event):
        confirm(registration, now=now)
    else:
        registration.status = RegistrationStatus.WAITLISTED
        db.session.flush()
    announce(registration)


def announce(registration: Registration) -> None:
    """Queue the mail for a seat just settled: the ticket, or the waiting-list notice."""
    if registration.status == RegistrationStatus.CONFIRMED:
        notify.registration_confirmed(registration)
    else:
        notify.registration_waitlisted(registration)


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


def promote_waitlisted(event: Event, *, now: datetime) -> list[Registration]:
    """Confirm waiting guests, in arrival order, while seats are free."""
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
        notify.registration_promoted(candidate)
        promoted.append(candidate)
    return promoted


def promote(registration: Registration, *, now: datetime) -> None:
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
    notify.registration_promoted(registration)
