"""The offline door: its snapshot of the guest list, and scans it queued without a network.

A door tablet keeps a copy of what it needs to decide a scan by itself: per
ticket a hash of the code (never the code), the name, organisation, status
and check-in state. It fetches changes since a cursor every few seconds.
Scans it admitted offline come back later with the time they happened; the
server then keeps the earliest check-in of a ticket and records the other
as a conflict for the organiser. Scans it refused offline come back too, for
the scan log.
"""

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Row, select
from sqlalchemy.orm import aliased

from eventdesk.checkin import results as r
from eventdesk.checkin.bearer import AnyDoor, AnyEvent
from eventdesk.checkin.models import CheckinConflict, ConflictKind, Door, ScanAction
from eventdesk.checkin.scanlog import recorded
from eventdesk.checkin.service import checkin_open, registration_of, status_refusal
from eventdesk.db import db
from eventdesk.registration.codes import clean_ticket_code
from eventdesk.registration.models import Registration, RegistrationStatus

# A change committed up to this long after its updated_at stamp still reaches
# every door: each delta repeats the changes of this window before its cursor.
CURSOR_OVERLAP = timedelta(seconds=15)
# How old a queued scan may be: a tablet that was offline longer than a long
# event day has lost its way, and its scans are refused rather than guessed at.
QUEUE_MAX_AGE = timedelta(hours=36)
HASH_CHARS = 32
# Queued check-ins per request: a tablet back online sends 500 in ten requests.
BATCH_MAX = 50


class BadScanTime(ValueError):
    """A queued scan's time is missing, malformed or too old."""


def code_hash(raw_code: str) -> str:
    """Return the hash a door snapshot keeps of a ticket code (the script computes the same)."""
    return hashlib.sha256(clean_ticket_code(raw_code).encode("ascii", "replace")).hexdigest()[
        :HASH_CHARS
    ]


def door_key(door: AnyDoor) -> str:
    """Return the key (base64, 256 bits) that encrypts this door's snapshot on the tablet.

    Derived from the door's secret version, so revoking the door or giving it
    new secrets leaves an old copy unreadable even if its wipe never ran.
    """
    who = f"door:{door.id}" if door.id is not None else f"user:{door.user_id}"
    message = f"door-snapshot:{door.event_id}:{who}:{door.secret_version or 0}".encode()
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return base64.b64encode(hmac.new(secret, message, hashlib.sha256).digest()).decode()


def _iso(at: datetime | None) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at else None


def parse_cursor(value: str | None) -> datetime | None:
    """Return the cursor a door sent (an ISO time), or None for a full snapshot."""
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def snapshot(event: AnyEvent, since: datetime | None) -> dict:
    """Return the tickets of ``event`` changed since ``since`` (all without it), and a cursor."""
    registrations = Registration.__table__
    doors = Door.__table__
    query = (
        select(
            registrations.c.ticket_code, registrations.c.id, registrations.c.name,
            registrations.c.organisation, registrations.c.status, registrations.c.checked_in_at,
            doors.c.name.label("door"), registrations.c.updated_at,
        )
        .select_from(registrations.outerjoin(
            doors, doors.c.id == registrations.c.checked_in_door_id))
        .where(registrations.c.event_id == event.id, registrations.c.ticket_code.is_not(None))
    )
    if since is not None:
        query = query.where(registrations.c.updated_at >= since - CURSOR_OVERLAP)
    cursor = since
    tickets = []
    for row in db.session.execute(query):
        tickets.append([
            code_hash(row.ticket_code), row.id, row.name, row.organisation or "",
            str(row.status.value if hasattr(row.status, "value") else row.status),
            _iso(row.checked_in_at), row.door,
        ])
        if cursor is None or row.updated_at > cursor:
            cursor = row.updated_at
    return {"full": since is None, "cursor": _iso(cursor), "tickets": tickets}


def parse_scan_time(value: object, *, now: datetime) -> datetime:
    """Return the time a queued scan happened; one in the future is taken as now."""
    if not isinstance(value, str) or len(value) > 40:
        raise BadScanTime()
    at = parse_cursor(value)
    if at is None or at < now - QUEUE_MAX_AGE:
        raise BadScanTime()
    return min(at, now)


def _conflict(event: AnyEvent, registration: Registration, kind: ConflictKind, *,
              kept: tuple[int | None, datetime | None], other: tuple[int | None, datetime],
              now: datetime) -> None:
    db.session.add(CheckinConflict(
        event_id=event.id, registration_id=registration.id, kind=kind,
        kept_door_id=kept[0], kept_at=kept[1], other_door_id=other[0], other_at=other[1],
        recorded_at=now,
    ))
    db.session.flush()


def _settle(event: AnyEvent, registration: Registration | None, *, door: AnyDoor, at: datetime,
            now: datetime, opens_before: timedelta | None) -> r.Result:
    """Accept a check-in a door made offline at ``at``: the earliest check-in stands."""
    if registration is None:
        return r.Result(r.ERROR, r.UNKNOWN)
    if not checkin_open(event, now=at, opens_before=opens_before):
        return r.Result(r.ERROR, r.NOT_OPEN, registration)
    # Lock the row: two doors' queues may settle the same ticket at once.
    db.session.execute(
        select(Registration.id).where(Registration.id == registration.id).with_for_update()
    )
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.CONFIRMED:
        # The guest is inside already: record it as it happened and flag it.
        _conflict(event, registration, ConflictKind.CANCELLED, kept=(None, None),
                  other=(door.id, at), now=now)
        reason = status_refusal(registration.status) or r.CANCELLED
        return r.Result(r.ERROR, reason, registration)
    earlier_at, earlier_door = registration.checked_in_at, registration.checked_in_door_id
    if earlier_at is not None and earlier_at <= at:
        _conflict(event, registration, ConflictKind.TWICE, kept=(earlier_door, earlier_at),
                  other=(door.id, at), now=now)
        door_row = db.session.get(Door, earlier_door) if earlier_door else None
        return r.Result(r.ERROR, r.ALREADY_CHECKED_IN, registration, checked_in_at=earlier_at,
                        door=door_row.name if door_row else None)
    registration.checked_in_at = at
    registration.checked_in_door_id = door.id
    db.session.flush()
    if earlier_at is not None:
        _conflict(event, registration, ConflictKind.TWICE, kept=(door.id, at),
                  other=(earlier_door, earlier_at), now=now)
    return r.Result(r.OK, None, registration, checked_in_at=at, door=door.name)


def queued_check_in(event: AnyEvent, registration_id: object, *, door: AnyDoor, nonce: str | None,
                    at: datetime, now: datetime, opens_before: timedelta | None) -> r.Result:
    """Record a check-in a door admitted offline, at the time it happened."""

    def decide() -> r.Result:
        registration = registration_of(event, registration_id)
        return _settle(event, registration, door=door, at=at, now=now, opens_before=opens_before)

    return recorded(event, door, action=ScanAction.CHECK_IN, raw=f"#{registration_id}"[:120],
                    nonce=nonce, now=at, decide=decide)


# The refusals a door decides offline, as the server names them; a queued refusal
# with any other reason is not recorded.
OFFLINE_REFUSALS = frozenset({
    r.UNKNOWN, r.CANCELLED, r.WAITLISTED, r.UNCONFIRMED, r.ALREADY_CHECKED_IN,
})
RAW_MAX = 120


def queued_refusal(event: AnyEvent, registration_id: object, *, door: AnyDoor, reason: object,
                   raw: object, nonce: str | None, at: datetime) -> r.Result:
    """Record in the scan log a scan the door refused offline, as it happened.

    Nothing about the guest changes: the door said no, so there is nothing to
    settle, only the line the organiser's log would have had online.
    """
    if reason not in OFFLINE_REFUSALS:
        return r.Result(r.ERROR, "bad_reason")
    code = raw if isinstance(raw, str) else ""

    def decide() -> r.Result:
        registration = registration_of(event, registration_id)
        return r.Result(r.ERROR, reason, registration)

    shown = code or (f"#{registration_id}" if registration_id else "")
    return recorded(event, door, action=ScanAction.CHECK_IN, raw=shown[:RAW_MAX], nonce=nonce,
                    now=at, decide=decide)


def queued_scan(event: AnyEvent, scan: dict, *, door: AnyDoor, nonce: str | None, at: datetime,
                now: datetime, opens_before: timedelta | None) -> r.Result:
    """Record one scan from a door's offline queue: a check-in it admitted, or a refusal."""
    if scan.get("refused") is not None:
        return queued_refusal(event, scan.get("registration"), door=door,
                              reason=scan.get("refused"), raw=scan.get("code"), nonce=nonce,
                              at=at)
    return queued_check_in(event, scan.get("registration"), door=door, nonce=nonce, at=at,
                           now=now, opens_before=opens_before)


def conflicts(event: AnyEvent, registration: Registration | None = None) -> list[Row]:
    """Return the conflicts of ``event`` (of one guest), newest first, with names and doors."""
    kept, other = aliased(Door), aliased(Door)
    query = (
        select(CheckinConflict, Registration.name, kept.name.label("kept_door"),
               other.name.label("other_door"))
        .join(Registration, Registration.id == CheckinConflict.registration_id)
        .outerjoin(kept, kept.id == CheckinConflict.kept_door_id)
        .outerjoin(other, other.id == CheckinConflict.other_door_id)
        .where(CheckinConflict.event_id == event.id)
        .order_by(CheckinConflict.other_at.desc())
    )
    if registration is not None:
        query = query.where(CheckinConflict.registration_id == registration.id)
    return list(db.session.execute(query))
