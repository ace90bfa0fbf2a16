"""The one front door that creates a registration and settles its seat.

Every registration comes in here: the public form and invited guests
(``service.register``), the organiser's add-by-hand, walk-ins at the door,
an invited guest's companions, the demo's guests and the tests' helpers.
``admit`` queues no mail: it returns an ``Outcome``, which the caller hands
to ``notify.announce`` when the guest should hear of it.

Functions here flush but never commit; the caller owns the transaction.
"""

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import make_transient_to_detached

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.events.service import (
    RegistrationWindow,
    force_seat,
    registration_window,
    take_seat,
)
from eventdesk.inputs import normalize_email
from eventdesk.registration.errors import InvitationRequired, NoSeatFree, RegistrationNotOpen
from eventdesk.registration.models import (
    Registration,
    RegistrationStatus,
    new_manage_token,
    new_uid,
)
from eventdesk.registration.outcomes import Happened, Outcome
from eventdesk.registration.seats import Seating, confirmed_values, settle

# An earlier registration of the same address in one of these states starts
# again; in any other it stays as it is and the outcome says REPEATED.
START_AGAIN = frozenset({RegistrationStatus.CANCELLED, RegistrationStatus.PENDING})


@dataclass(frozen=True)
class Guest:
    """Who registers, as the form, the door or the organiser gives them."""

    name: str
    email: str = ""
    organisation: str = ""
    # None: none given (a registration started again keeps its answers).
    answers: Mapping[str, str] | None = None
    language: str = "nl"


def admission(event: Event, *, now: datetime, invited: bool = False) -> bool:
    """Check that ``event`` takes this registration now; return whether only its waiting list does.

    At an invitation-only event only ``invited`` guests take seats; the
    public is refused, or only waitlisted when the event keeps a public list.
    """
    window = registration_window(event, now=now)
    # Invited guests may answer before registration opens to the public.
    early_invited = invited and window == RegistrationWindow.NOT_YET_OPEN
    if window != RegistrationWindow.OPEN and not early_invited:
        raise RegistrationNotOpen(window)
    waitlist_only = event.invitation_only and not invited
    if waitlist_only and not event.invitation_waitlist:
        raise InvitationRequired()
    return waitlist_only


def admit(
    event: Event,
    guest: Guest,
    *,
    now: datetime,
    seating: Seating = Seating.IF_FREE,
    key: str | None = None,
    companion_of: Registration | None = None,
    start_again: Collection[RegistrationStatus] = START_AGAIN,
) -> Outcome:
    """Register ``guest`` for ``event`` and settle their seat as ``seating`` says.

    ``key`` replaces the normalised address as the one-per-event key (walk-ins
    without an address, companions). An address registered already comes
    back as ``Happened.REPEATED`` with nothing changed, unless its status is
    in ``start_again``. Raises ``NoSeatFree``, with nothing of this guest
    written, for ``Seating.REQUIRED`` at a full event.

    Every registration for an event waits for the lock on its seat counter,
    so the counter is locked as briefly as possible. While the event seems to
    have seats (as read at the start of the request), the guest is written as
    confirmed first and the seat taken last; if the last seat went meanwhile,
    the row is deleted again and the guest written as waiting. A guest
    written as waiting still tries for a seat, in case one came free: a
    counter with no seat to give is not locked at all. The row always comes
    before the seat, so two requests for one address lock the address and
    the counter in the same order and cannot deadlock; and ids, the waiting
    list's order, follow the order of arrival.
    """
    values = _new_values(event, guest, key=key, companion_of=companion_of, now=now)
    if seating == Seating.CONFIRM_ADDRESS:
        registration = _insert(event, {**values, "status": RegistrationStatus.PENDING})
        if registration is None:
            return _again(event, guest, values, now=now, seating=seating, key=key,
                          companion_of=companion_of, start_again=start_again)
        return Outcome(registration, Happened.PENDING)
    if seating == Seating.REQUIRED and event.seats_left == 0:
        raise NoSeatFree()
    if seating == Seating.FORCED or (seating != Seating.WAITLIST and event.seats_left != 0):
        registration = _insert(event, {**values, **confirmed_values(now)})
        if registration is None:
            return _again(event, guest, values, now=now, seating=seating, key=key,
                          companion_of=companion_of, start_again=start_again)
        if take_seat(event):
            return Outcome(registration, Happened.SEATED)
        if seating == Seating.FORCED:
            force_seat(event)
            return Outcome(registration, Happened.SEATED, forced=True)
        _withdraw(registration)
        if seating == Seating.REQUIRED:
            raise NoSeatFree()
    registration = _insert(event, values)
    if registration is None:
        return _again(event, guest, values, now=now, seating=seating, key=key,
                      companion_of=companion_of, start_again=start_again)
    happened, forced = settle(registration, now=now, seating=seating)
    return Outcome(registration, happened, forced=forced)


def _again(event: Event, guest: Guest, values: dict, *, now: datetime, seating: Seating,
           key: str | None, companion_of: Registration | None,
           start_again: Collection[RegistrationStatus]) -> Outcome:
    """Settle a registration whose key turned out to be taken."""
    existing = _find(event, values["email_normalized"])
    if existing is None:
        # The earlier registration was deleted in between: start again.
        return admit(event, guest, now=now, seating=seating, key=key,
                     companion_of=companion_of, start_again=start_again)
    if existing.status not in start_again:
        return Outcome(existing, Happened.REPEATED, new_row=False)
    # Claimed from the status we saw before any seat is taken, so two
    # requests (or a request and a confirmation link) start it once.
    pending = seating == Seating.CONFIRM_ADDRESS
    claimed = db.session.execute(
        update(_registrations)
        .where(_registrations.c.id == existing.id, _registrations.c.status == existing.status)
        .values(status=RegistrationStatus.PENDING if pending else RegistrationStatus.WAITLISTED)
    ).rowcount
    db.session.expire(existing, ["status"])
    if claimed != 1:
        return admit(event, guest, now=now, seating=seating, key=key,
                     companion_of=companion_of, start_again=start_again)
    existing.name = guest.name
    existing.organisation = guest.organisation
    if guest.answers is not None:
        existing.answers = dict(guest.answers)
    existing.language = guest.language
    existing.consented_at = now
    existing.cancelled_at = None
    if pending:
        db.session.flush()
        return Outcome(existing, Happened.PENDING, new_row=False)
    happened, forced = settle(existing, now=now, seating=seating)
    return Outcome(existing, happened, new_row=False, forced=forced)


def find_registration(event: Event, email: str) -> Registration | None:
    """Return the registration for ``email`` at ``event``, if any."""
    return _find(event, normalize_email(email))


def _find(event: Event, key: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.email_normalized == key
        )
    )


def _new_values(event: Event, guest: Guest, *, key: str | None,
                companion_of: Registration | None, now: datetime) -> dict:
    """Return every column of a new waiting registration, ready to INSERT."""
    return {
        "event_id": event.id,
        "status": RegistrationStatus.WAITLISTED,
        "name": guest.name,
        "email": guest.email.strip(),
        "email_normalized": key or normalize_email(guest.email),
        "organisation": guest.organisation,
        "answers": dict(guest.answers or {}),
        "language": guest.language,
        "consented_at": now,
        "created_at": now,
        "updated_at": now,
        "uid": new_uid(),
        "manage_token": new_manage_token(),
        "ticket_code": None,
        "calendar_sequence": 0,
        "confirmed_at": None,
        "cancelled_at": None,
        "checked_in_at": None,
        "checked_in_door_id": None,
        "companion_of_id": companion_of.id if companion_of is not None else None,
    }


_registrations = Registration.__table__
_DIALECT_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


@functools.cache
def _insert_unless_registered(dialect: str):
    # A repeated address is skipped rather than refused, so no savepoint is
    # needed to survive it: one statement instead of three.
    return (
        _DIALECT_INSERTS[dialect](_registrations)
        .on_conflict_do_nothing(index_elements=["event_id", "email_normalized"])
        .returning(_registrations.c.id)
    )


def _insert(event: Event, values: dict) -> Registration | None:
    """INSERT a registration unless its key is registered for the event already.

    Returns the new registration, persistent in the session, or None for a
    repeated key (perhaps registered a moment ago by another request).
    A plain INSERT rather than the ORM's unit of work: this is the hot path of
    a registration rush, and the row is complete, so nothing is read back.
    """
    dialect = db.session.get_bind().dialect.name
    new_id = db.session.scalar(_insert_unless_registered(dialect), values)
    if new_id is None:
        return None
    registration = Registration(id=new_id, event=event, **values)
    # Known to be in the database as given: attach it without another INSERT.
    make_transient_to_detached(registration)
    db.session.add(registration)
    return registration


def _withdraw(registration: Registration) -> None:
    """Delete a registration written in this transaction (its seat went to someone else)."""
    db.session.execute(delete(_registrations).where(_registrations.c.id == registration.id))
    db.session.expunge(registration)
