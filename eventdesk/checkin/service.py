"""Check-in rules: scan and undo.

Functions here flush but never commit; the caller owns the transaction.
The check-in is one conditional UPDATE whose row count decides it, so any
number of doors scanning one ticket at once give exactly one ``ok``.
"""

from datetime import datetime, timedelta

from sqlalchemy import Row, bindparam, select, update

from eventdesk.checkin import results as r
from eventdesk.checkin.bearer import AnyDoor, AnyEvent
from eventdesk.checkin.models import Door, ScanAction
from eventdesk.checkin.scanlog import current_state, recorded
from eventdesk.db import db
from eventdesk.events.models import EventStatus
from eventdesk.registration.codes import (
    PREFIX,
    clean_short_code,
    clean_ticket_code,
    looks_like_ticket_code,
)
from eventdesk.registration.models import Registration, RegistrationStatus

# How long before the start the door opens, unless the caller says otherwise.
DEFAULT_OPENS_BEFORE = timedelta(hours=12)


# Built once: the scan path runs these on every request, and building a
# statement costs more than SQLite takes to run it. Core statements, not ORM
# ones: the ORM derives an UPDATE's cache key anew on every call.
_REGISTRATIONS = Registration.__table__
_DOORS = Door.__table__

_CHECK_IN = (
    update(_REGISTRATIONS)
    .where(
        _REGISTRATIONS.c.id == bindparam("registration"),
        _REGISTRATIONS.c.checked_in_at.is_(None),
        _REGISTRATIONS.c.status == RegistrationStatus.CONFIRMED.value,
    )
    .values(checked_in_at=bindparam("now"), checked_in_door_id=bindparam("door"))
)
# The common case in one statement: admit the confirmed, not yet checked-in
# owner of this code at this event, and hand back what the answer shows.
_ADMIT_BY_CODE = (
    update(_REGISTRATIONS)
    .where(
        _REGISTRATIONS.c.ticket_code == bindparam("code"),
        _REGISTRATIONS.c.event_id == bindparam("event"),
        _REGISTRATIONS.c.checked_in_at.is_(None),
        _REGISTRATIONS.c.status == RegistrationStatus.CONFIRMED.value,
    )
    .values(checked_in_at=bindparam("now"), checked_in_door_id=bindparam("door"))
    .returning(_REGISTRATIONS.c.id, _REGISTRATIONS.c.name, _REGISTRATIONS.c.organisation,
               _REGISTRATIONS.c.status)
)
# A refused code: its guest, and the door that let them in, in one read.
_EXPLAIN = (
    select(
        _REGISTRATIONS.c.id, _REGISTRATIONS.c.event_id, _REGISTRATIONS.c.name,
        _REGISTRATIONS.c.organisation, _REGISTRATIONS.c.status,
        _REGISTRATIONS.c.checked_in_at, _DOORS.c.name.label("door_name"),
    )
    .select_from(
        _REGISTRATIONS.outerjoin(_DOORS, _DOORS.c.id == _REGISTRATIONS.c.checked_in_door_id)
    )
    .where(_REGISTRATIONS.c.ticket_code == bindparam("code"))
)

# The full codes of the event starting with a short code: two rows are enough
# to know it is ambiguous.
_BY_SHORT_CODE = (
    select(_REGISTRATIONS.c.ticket_code)
    .where(
        _REGISTRATIONS.c.event_id == bindparam("event"),
        _REGISTRATIONS.c.ticket_code.startswith(bindparam("short"), autoescape=False),
    )
    .limit(2)
)


class AmbiguousShortCode(Exception):
    """Two tickets of the event share the short code typed."""


def code_for_short(event: AnyEvent, short: str) -> str | None:
    """Return the full ticket code of ``event`` with this (clean) short code, or None.

    Raises AmbiguousShortCode when more than one ticket shares it.
    """
    codes = db.session.scalars(_BY_SHORT_CODE, {"event": event.id, "short": PREFIX + short}).all()
    if len(codes) > 1:
        raise AmbiguousShortCode(short)
    return codes[0] if codes else None


def checkin_open(event: AnyEvent, *, now: datetime, opens_before: timedelta | None) -> bool:
    """Tell whether ``event`` admits guests at ``now`` (``opens_before`` None: any time)."""
    if event.status != EventStatus.PUBLISHED:
        return False
    return opens_before is None or now >= event.starts_at - opens_before


# Why a guest who is not confirmed stays outside.
_STATUS_REFUSALS = {
    RegistrationStatus.CANCELLED: r.CANCELLED,
    RegistrationStatus.WAITLISTED: r.WAITLISTED,
    # A cancelled guest who registered again and never confirmed keeps their old code.
    RegistrationStatus.PENDING: r.UNCONFIRMED,
}


def status_refusal(status: RegistrationStatus) -> str | None:
    """Return why a guest with ``status`` is not let in, or None for a confirmed guest."""
    return _STATUS_REFUSALS.get(status)


def refusal(event: AnyEvent, guest: Registration | Row | None, *, is_open: bool) -> r.Result | None:
    """Say why ``guest`` may not come in now; None when they may (the one check-in ladder).

    ``guest`` is a registration, or a row read for the scan that carries its
    check-in door's name as ``door_name``.
    """
    if guest is None:
        return r.Result(r.ERROR, r.UNKNOWN)
    if guest.event_id != event.id:
        return r.Result(r.ERROR, r.WRONG_EVENT, guest)
    if not is_open:
        return r.Result(r.ERROR, r.NOT_OPEN, guest)
    reason = status_refusal(guest.status)
    if reason is not None:
        return r.Result(r.ERROR, reason, guest)
    if guest.checked_in_at is None:
        return None
    if isinstance(guest, Registration):
        return current_state(guest, r.ERROR, r.ALREADY_CHECKED_IN)
    return r.Result(r.ERROR, r.ALREADY_CHECKED_IN, guest, checked_in_at=guest.checked_in_at,
                    door=guest.door_name)


def _admit(event: AnyEvent, registration: Registration | None, *, door: AnyDoor, now: datetime,
           opens_before: timedelta | None) -> r.Result:
    """Check in ``registration``, or say why not."""
    is_open = checkin_open(event, now=now, opens_before=opens_before)
    if registration is None or registration.event_id != event.id or not is_open:
        return refusal(event, registration, is_open=is_open)
    changed = db.session.execute(
        _CHECK_IN, {"registration": registration.id, "now": now, "door": door.id}
    ).rowcount
    if changed == 1:
        # The UPDATE said it all; reading the row back would only cost a query.
        db.session.expire(registration, ["checked_in_at", "checked_in_door_id", "updated_at"])
        return r.Result(r.OK, None, registration, checked_in_at=now, door=door.name)
    db.session.refresh(registration)
    # Admissible again after the refresh: an undo came between; the UPDATE saw it checked in.
    return (refusal(event, registration, is_open=True)
            or current_state(registration, r.ERROR, r.ALREADY_CHECKED_IN))


def check_in(event: AnyEvent, raw_code: str, *, door: AnyDoor, nonce: str | None, now: datetime,
             opens_before: timedelta | None = DEFAULT_OPENS_BEFORE) -> r.Result:
    """Check in the guest whose ticket code a door scanned or typed."""
    raw = raw_code if isinstance(raw_code, str) else ""

    def decide() -> r.Result:
        code = clean_ticket_code(raw)
        short = None if looks_like_ticket_code(code) else clean_short_code(raw)
        if short is not None:
            # Typed by hand: the short code of a ticket of this event only.
            try:
                code = code_for_short(event, short) or ""
            except AmbiguousShortCode:
                return r.Result(r.ERROR, r.AMBIGUOUS)
        if not looks_like_ticket_code(code):
            return r.Result(r.ERROR, r.UNKNOWN)
        is_open = checkin_open(event, now=now, opens_before=opens_before)
        params = {"code": code, "event": event.id, "now": now, "door": door.id}
        # A second round only when a check-in was undone between the UPDATE
        # and the read that explains its refusal.
        for _ in range(2):
            if is_open:
                admitted = db.session.execute(_ADMIT_BY_CODE, params).first()
                if admitted is not None:
                    return r.Result(r.OK, None, admitted, checked_in_at=now, door=door.name)
            guest = db.session.execute(_EXPLAIN, {"code": code}).first()
            refused = refusal(event, guest, is_open=is_open)
            if refused is not None:
                return refused
        return r.Result(r.ERROR, r.ALREADY_CHECKED_IN, guest, door=guest.door_name)

    return recorded(event, door, action=ScanAction.CHECK_IN, raw=raw, nonce=nonce, now=now,
                    decide=decide)


def check_in_registration(event: AnyEvent, registration_id: int, *, door: AnyDoor,
                          nonce: str | None, now: datetime,
                          opens_before: timedelta | None = DEFAULT_OPENS_BEFORE) -> r.Result:
    """Check in a guest picked from the search list."""

    def decide() -> r.Result:
        registration = registration_of(event, registration_id)
        return _admit(event, registration, door=door, now=now, opens_before=opens_before)

    return recorded(event, door, action=ScanAction.CHECK_IN, raw=f"#{registration_id}",
                    nonce=nonce, now=now, decide=decide)


def registration_of(event: AnyEvent, registration_id: object) -> Registration | None:
    """Return the registration with this id if it belongs to ``event``."""
    if not isinstance(registration_id, int) or isinstance(registration_id, bool):
        return None
    if not 0 < registration_id < 2**31:
        return None
    registration = db.session.get(Registration, registration_id)
    return registration if registration is not None and registration.event_id == event.id else None


def undo(event: AnyEvent, registration_id: object, *, door: AnyDoor, nonce: str | None,
         now: datetime) -> r.Result:
    """Take back a check-in, so the ticket can be scanned again."""

    def decide() -> r.Result:
        registration = registration_of(event, registration_id)
        if registration is None:
            return r.Result(r.ERROR, r.UNKNOWN)
        table = Registration.__table__
        changed = db.session.execute(
            update(table)
            .where(table.c.id == registration.id, table.c.checked_in_at.is_not(None))
            .values(checked_in_at=None, checked_in_door_id=None)
        ).rowcount
        db.session.refresh(registration)
        return r.Result(r.OK if changed == 1 else r.ERROR,
                        None if changed == 1 else r.NOT_CHECKED_IN, registration)

    return recorded(event, door, action=ScanAction.UNDO, raw=f"#{registration_id}"[:120],
                    nonce=nonce, now=now, decide=decide)
