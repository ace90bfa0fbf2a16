"""Doors: create, name, revoke; their link/bearer tokens and PINs (stored as hashes)."""

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from eventdesk.auth.models import User
from eventdesk.checkin.models import Door
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.inputs import has_control_characters

TOKEN_PREFIX = "edd_"
PIN_LENGTH = 6
NAME_MAX = 80
# A tablet's own name: room left in NAME_MAX for a " (2)" when another door has it.
TABLET_NAME_MAX = 60
# How many numbered variants of a taken name are tried before giving up.
_SUFFIXES = 20
_BY_TOKEN_HASH = select(Door).where(Door.token_hash == bindparam("token_hash"))


class DoorError(Exception):
    """A door cannot be created or changed."""


class DoorNameTaken(DoorError):
    """An active door of this event already has that name."""


class BadDoorName(DoorError):
    """A tablet's door name is empty, too long or holds control characters."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem  # "empty" | "long" | "control"


class DoorClosed(DoorError):
    """The organiser revoked the door this name belongs to."""


def hash_token(token: str) -> str:
    """Return the stored form of a door token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))


def event_doors(event: Event) -> list[Door]:
    """Return the doors of ``event``, active ones first, by name."""
    query = select(Door).where(Door.event_id == event.id).order_by(
        Door.revoked_at.is_not(None), Door.name
    )
    return list(db.session.scalars(query))


def door_by_name(event: Event, name: str) -> Door | None:
    """Return the door of ``event`` called ``name``."""
    return db.session.scalar(select(Door).where(Door.event_id == event.id, Door.name == name))


def create_door(event: Event, *, name: str, now: datetime) -> Door:
    """Create (or bring back a revoked) door called ``name``, without secrets yet."""
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise DoorError("name")
    door = door_by_name(event, name)
    if door is not None and door.active:
        raise DoorNameTaken(name)
    if door is None:
        door = Door(event_id=event.id, name=name, created_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(door)
        except IntegrityError as error:
            raise DoorNameTaken(name) from error
    else:
        door.revoked_at = None
        door.secret_version += 1
    db.session.flush()
    return door


def issue_token(door: Door) -> str:
    """Give ``door`` a new link/bearer token, ending the old one; return it once."""
    token = _new_token()
    door.token_hash = hash_token(token)
    door.secret_version += 1
    db.session.flush()
    return token


def issue_pin(door: Door) -> str:
    """Give ``door`` a new PIN, ending the old one; return it once."""
    # A PIN opens whichever door of the event it belongs to (the page lists no
    # doors), so it must differ from the PINs of the event's other doors.
    others = [other for other in pin_doors(door.event) if other.id != door.id]
    for _attempt in range(100):  # one draw almost always; a clash is one in 10**6 per door
        pin = _new_pin()
        if not any(check_pin(other, pin) for other in others):
            break
    door.pin_hash = generate_password_hash(pin, method="scrypt")
    door.secret_version += 1
    db.session.flush()
    return pin


def revoke_door(door: Door, *, now: datetime) -> None:
    """Stop ``door``: its token, PIN and open sessions no longer work."""
    door.revoked_at = now
    door.token_hash = None
    door.pin_hash = None
    door.secret_version += 1
    db.session.flush()


def well_formed_token(token: str) -> bool:
    """Tell whether ``token`` could be a door token at all."""
    return 0 < len(token) <= 100 and token.startswith(TOKEN_PREFIX)


def door_by_token(token: str) -> Door | None:
    """Return the active door whose token this is."""
    if not well_formed_token(token):
        return None
    door = db.session.scalar(_BY_TOKEN_HASH, {"token_hash": hash_token(token)})
    if door is None or not door.active:
        return None
    return door


def check_pin(door: Door, pin: str) -> bool:
    """Tell whether ``pin`` opens ``door`` (attempts are limited by the caller)."""
    if not door.active or door.pin_hash is None:
        return False
    pin = (pin or "").strip()
    return len(pin) == PIN_LENGTH and pin.isascii() and pin.isdigit() and check_password_hash(
        door.pin_hash, pin
    )


def pin_doors(event: Event) -> list[Door]:
    """Return the active doors of ``event`` that have a PIN."""
    return list(db.session.scalars(
        select(Door).where(
            Door.event_id == event.id, Door.revoked_at.is_(None), Door.pin_hash.is_not(None)
        ).order_by(Door.id)
    ))


def door_for_pin(event: Event, pin: str) -> Door | None:
    """Return the active door of ``event`` that ``pin`` opens."""
    pin = (pin or "").strip()
    if len(pin) != PIN_LENGTH or not (pin.isascii() and pin.isdigit()):
        return None
    return next((door for door in pin_doors(event) if check_pin(door, pin)), None)


def session_matches(door: Door | None, version: object) -> bool:
    """Tell whether a door session made at ``version`` is still valid."""
    return door is not None and door.active and hmac.compare_digest(
        str(door.secret_version), str(version)
    )


def door_for_user(event: Event, user: User, *, now: datetime, create: bool = True) -> Door:
    """Return the door a door-staff (or organiser) account scans at, creating it once.

    With ``create`` False a missing door comes back unsaved: page views and
    read-only calls need its name, not a row (and on SQLite should not write).
    """
    # The account's first open door: the one named after it, or a tablet's if that came
    # first. Revoking one tablet's door leaves the others; revoking them all shuts the
    # account out of this event's door.
    door = db.session.scalar(
        select(Door).where(Door.event_id == event.id, Door.user_id == user.id)
        .order_by(Door.revoked_at.is_not(None), Door.id).limit(1)
    )
    if door is not None:
        return door
    base = (user.name or user.email)[: NAME_MAX - 12]
    if not create:
        return Door(event_id=event.id, name=base, user_id=user.id, created_at=now)
    for name in (base, f"{base} ({user.id})"):
        try:
            with db.session.begin_nested():
                door = Door(event_id=event.id, name=name, user_id=user.id, created_at=now)
                db.session.add(door)
        except IntegrityError:
            continue
        return door
    raise DoorNameTaken(base)


def tablet_name(raw: str) -> str:
    """Return the door name a tablet asked for, cleaned, or raise BadDoorName."""
    if has_control_characters(raw):
        raise BadDoorName("control")
    name = " ".join(raw.split())
    if not name:
        raise BadDoorName("empty")
    if len(name) > TABLET_NAME_MAX:
        raise BadDoorName("long")
    return name


def door_for_tablet(event: Event, user: User, raw_name: str, *, now: datetime) -> Door:
    """Return the account's door called ``raw_name`` at ``event``, creating it once.

    Each tablet of a door-staff account names its own door, so the scan log
    and the organiser's figures tell the tablets apart. Two tablets of one
    account that pick one name share a door; a name another account's door
    (or an organiser's door) already has gets " (2)", " (3)", ...
    """
    name = tablet_name(raw_name)
    candidates = [name] + [f"{name} ({number})" for number in range(2, _SUFFIXES + 2)]
    for candidate in candidates:
        door = door_by_name(event, candidate)
        if door is None:
            try:
                with db.session.begin_nested():
                    door = Door(event_id=event.id, name=candidate, user_id=user.id, created_at=now)
                    db.session.add(door)
            except IntegrityError:
                # Another tablet took this name a moment ago: maybe for this very account.
                door = door_by_name(event, candidate)
                if door is None:
                    continue
            else:
                return door
        if door.user_id == user.id:
            if not door.active:
                raise DoorClosed(candidate)
            return door
    raise DoorNameTaken(name)
