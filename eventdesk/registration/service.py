"""Registration rules: sign up, waiting list, changes and cancellation.

Functions here flush but never commit; the caller owns the transaction.
"""

import functools
from collections.abc import Mapping
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
    registration_window,
    release_seat,
    take_seat,
)
from eventdesk.inputs import normalize_email
from eventdesk.mail.outbox import drop_queued_mail
from eventdesk.registration import notify
from eventdesk.registration.errors import (
    AlreadyCancelled,
    AlreadyRegistered,
    InvitationRequired,
    RegistrationNotOpen,
)
from eventdesk.registration.models import (
    Registration,
    RegistrationStatus,
    new_manage_token,
    new_uid,
)
from eventdesk.registration.seats import (
    announce,
    confirmed_values,
    promote_waitlisted,
    seat_or_waitlist,
)


@dataclass(frozen=True)
class Outcome:
    """What a registration attempt did. ``created`` is False for a repeat."""

    registration: Registration
    created: bool


def find_registration(event: Event, email: str) -> Registration | None:
    """Return the registration for ``email`` at ``event``, if any."""
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.email_normalized == normalize_email(email),
        )
    )


def registration_by_token(token: str) -> Registration | None:
    """Return the registration that owns a manage-link token."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Registration).where(Registration.manage_token == token))


def _new_registration_values(
    event: Event,
    *,
    name: str,
    email: str,
    organisation: str,
    answers: Mapping[str, str],
    language: str,
    now: datetime,
) -> dict:
    """Return every column of a new waiting registration, ready to INSERT."""
    return {
        "event_id": event.id,
        "status": RegistrationStatus.WAITLISTED,
        "name": name,
        "email": email.strip(),
        "email_normalized": normalize_email(email),
        "organisation": organisation,
        "answers": dict(answers),
        "language": language,
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
        "companion_of_id": None,
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


def _insert_new(event: Event, values: dict) -> Registration | None:
    """INSERT a registration unless its address is registered for the event already.

    Returns the new registration, persistent in the session, or None for a
    repeated address (perhaps registered a moment ago by another request).
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


def _register_new(
    event: Event, values: dict, *, now: datetime, waitlist_only: bool, confirm_address: bool
) -> Registration | None:
    """Add a new registration with a seat or on the waiting list, and queue its mail.

    Returns None, with nothing written, when the address is registered already.

    Every registration for an event waits for the lock on its seat counter,
    so the counter is locked as briefly as possible. While the event seems to
    have seats (as read at the start of the request), the guest is written as
    confirmed first and the seat taken last, just before the commit; if the
    last seat went meanwhile, that is undone and the guest is written again,
    as waiting. A guest written as waiting still tries for a seat, in case
    one came free: a counter with no seat to give is not locked at all.

    The row always comes before the seat, so two requests for one address
    lock the address and the counter in the same order and cannot deadlock.
    And a guest is written as waiting only after every seat taken so far was
    taken, so ids, the waiting list's order, follow the order of arrival.

    A guest who must confirm their address first is written as pending: no
    seat, no ticket, only the mail with the confirmation link.
    """
    if confirm_address:
        registration = _insert_new(event, {**values, "status": RegistrationStatus.PENDING})
        if registration is not None:
            notify.address_confirmation(registration, fresh=True)
        return registration
    if not waitlist_only and event.seats_left != 0:
        registration = _insert_new(event, {**values, **confirmed_values(now)})
        if registration is None:
            return None
        announce(registration)
        if take_seat(event):
            return registration
        _withdraw_new(registration)
    registration = _insert_new(event, values)
    if registration is None:
        return None
    seat_or_waitlist(registration, now=now, waitlist_only=waitlist_only)
    return registration


def _withdraw_new(registration: Registration) -> None:
    """Undo a registration written in this transaction, with the mail queued for it."""
    drop_queued_mail(registration.id)
    db.session.execute(delete(_registrations).where(_registrations.c.id == registration.id))
    db.session.expunge(registration)


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
    """Register a guest: confirmed while seats last, else on the waiting list.

    With ``confirm_address`` the guest is held as pending, without a seat,
    until they follow the link in the mail (see ``registration.confirmation``).

    A second registration with the same address changes nothing and mails the
    existing guest their own link, so the answer reveals nothing to others.
    """
    waitlist_only = admission(event, now=now, invited=invited)

    values = _new_registration_values(
        event, name=name, email=email, organisation=organisation,
        answers=answers or {}, language=language, now=now,
    )
    # Most registrations are new: INSERT first, and look for the earlier
    # registration only when the address turns out to be taken.
    registration = _register_new(
        event, values, now=now, waitlist_only=waitlist_only, confirm_address=confirm_address
    )
    if registration is not None:
        return Outcome(registration, created=True)
    existing = find_registration(event, email)
    if existing is None:
        # The earlier registration was deleted in between: start again.
        return register(
            event, name=name, email=email, organisation=organisation, answers=answers,
            language=language, now=now, invited=invited, confirm_address=confirm_address,
        )
    if existing.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        notify.registration_repeated(existing)
        return Outcome(existing, created=False)

    # A cancelled registration starts again. So does a pending one, unless this
    # request must be confirmed too: a registration that may take a seat
    # straight away (an invitation, or a client below the threshold, whose
    # count this request raised) may as well take it for this address. A
    # pending one asked again under confirmation only gets its mail again.
    # The row is claimed from the status we saw before any seat is taken, so
    # two requests (or a request and a confirmation link) start it once.
    claimed = db.session.execute(
        update(_registrations)
        .where(_registrations.c.id == existing.id, _registrations.c.status == existing.status)
        .values(status=RegistrationStatus.PENDING if confirm_address
                else RegistrationStatus.WAITLISTED)
    ).rowcount
    db.session.expire(existing, ["status"])
    if claimed != 1:
        return register(
            event, name=name, email=email, organisation=organisation, answers=answers,
            language=language, now=now, invited=invited, confirm_address=confirm_address,
        )
    existing.name = name
    existing.organisation = organisation
    existing.answers = dict(answers or {})
    existing.language = language
    existing.consented_at = now
    existing.cancelled_at = None
    if confirm_address:
        db.session.flush()
        notify.address_confirmation(existing)
    else:
        seat_or_waitlist(existing, now=now, waitlist_only=waitlist_only)
    return Outcome(existing, created=True)


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
    if renamed and registration.status == RegistrationStatus.CONFIRMED:
        # The invite names the guest (ATTENDEE;CN=): send it again, one SEQUENCE on.
        registration.calendar_sequence += 1
        notify.details_changed(registration)
    db.session.flush()


def cancel_registration(registration: Registration, *, now: datetime) -> list[Registration]:
    """Cancel a registration, free its seat and promote the next waiting guest.

    Returns the guests promoted from the waiting list.
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
    notify.registration_cancelled(registration, was_confirmed=was_confirmed)
    if not was_confirmed:
        return []
    release_seat(registration.event)
    return promote_waitlisted(registration.event, now=now)


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
    """
    existing = find_registration(event, email)
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise AlreadyRegistered(existing)
    if existing is None:
        registration = _insert_new(event, _new_registration_values(
            event, name=name, email=email, organisation=organisation,
            answers={}, language=language, now=now,
        ))
        if registration is None:
            raced = find_registration(event, email)
            if raced is None:
                # The earlier registration was deleted in between: start again.
                return add_by_hand(
                    event, name=name, email=email, organisation=organisation,
                    language=language, now=now,
                )
            raise AlreadyRegistered(raced)
    else:
        registration = existing
        registration.name = name
        registration.organisation = organisation
        registration.language = language
        registration.consented_at = now
        registration.cancelled_at = None
        registration.calendar_sequence += 1
    seat_or_waitlist(registration, now=now)
    return registration
