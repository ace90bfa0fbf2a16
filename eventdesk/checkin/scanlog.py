"""The scan log: every request at a door, recorded once per client nonce."""

import logging
from datetime import datetime

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from eventdesk.checkin import results as r
from eventdesk.checkin.bearer import AnyDoor, AnyEvent
from eventdesk.checkin.models import Door, Scan, ScanAction
from eventdesk.db import db
from eventdesk.registration.models import Registration

NONCE_MAX = 64
_REPLAY = select(Scan).where(Scan.door_id == bindparam("door"), Scan.nonce == bindparam("nonce"))
_LOG = insert(Scan.__table__)
log = logging.getLogger("eventdesk.checkin")


class BadNonce(ValueError):
    """The client nonce is too long or not text."""


def printable(text: str, limit: int) -> str:
    """Return ``text`` without control characters (PostgreSQL refuses NUL), cut short."""
    return "".join(ch for ch in text[: limit * 4] if ch.isprintable())[:limit]


def _clean_nonce(nonce: str | None) -> str | None:
    if nonce is None or nonce == "":
        return None
    if not isinstance(nonce, str) or len(nonce) > NONCE_MAX:
        raise BadNonce()
    return nonce


def _door_name(door_id: int | None) -> str | None:
    if door_id is None:
        return None
    door = db.session.get(Door, door_id)
    return door.name if door is not None else None


def current_state(registration: Registration, status: str, reason: str | None,
                  **extra) -> r.Result:
    """Return a result carrying the guest's check-in time and door as they are now."""
    return r.Result(
        status,
        reason,
        registration,
        checked_in_at=registration.checked_in_at,
        door=_door_name(registration.checked_in_door_id),
        **extra,
    )


def _replay(door: AnyDoor, nonce: str | None) -> r.Result | None:
    """Answer a retried request from the scan it already made."""
    if nonce is None:
        return None
    scan = db.session.scalar(_REPLAY, {"door": door.id, "nonce": nonce})
    if scan is None:
        return None
    registration = None
    if scan.registration_id is not None:
        registration = db.session.get(Registration, scan.registration_id)
    if registration is None:
        return r.Result(scan.status, scan.reason, replayed=True)
    return current_state(registration, scan.status, scan.reason, replayed=True,
                         override=scan.override)


def _log(event: AnyEvent, door: AnyDoor, *, action: ScanAction, result: r.Result, raw: str,
         nonce: str | None, now: datetime) -> None:
    registration = result.registration
    log.info("check-in %s: %s%s event=%s door=%r registration=%s", action.value, result.status,
             f" ({result.reason})" if result.reason else "", event.id, door.name,
             registration.id if registration is not None else "-",
             extra={"action": action.value, "result": result.status, "reason": result.reason,
                    "event_id": event.id, "door": door.name,
                    "registration_id": registration.id if registration is not None else None})
    db.session.execute(
        _LOG,
        {
            "event_id": event.id,
            "door_id": door.id,
            "at": now,
            "action": action,
            "status": result.status,
            "reason": result.reason,
            "raw_code": printable(raw, 120),
            "nonce": nonce,
            "registration_id": registration.id if registration is not None else None,
            "override": result.override,
        },
    )


def recorded(event: AnyEvent, door: AnyDoor, *, action: ScanAction, raw: str, nonce: str | None,
             now: datetime, decide) -> r.Result:
    """Run ``decide()`` and log its result, once per (door, nonce).

    A concurrent request with the same nonce loses on the unique constraint;
    its work is rolled back and it gets the first request's answer.
    """
    nonce = _clean_nonce(nonce)
    earlier = _replay(door, nonce)
    if earlier is not None:
        return earlier
    if nonce is None and action == ScanAction.CHECK_IN:
        # Nothing here can break a unique constraint: spare the savepoint's round trips.
        result = decide()
        _log(event, door, action=action, result=result, raw=raw, nonce=nonce, now=now)
        return result
    try:
        with db.session.begin_nested():
            result = decide()
            _log(event, door, action=action, result=result, raw=raw, nonce=nonce, now=now)
    except IntegrityError:
        earlier = _replay(door, nonce)
        if earlier is not None:
            return earlier
        # Another request won a different unique race (a walk-in's address):
        # decide once more, now seeing what it wrote.
        with db.session.begin_nested():
            result = decide()
            _log(event, door, action=action, result=result, raw=raw, nonce=nonce, now=now)
    return result
