"""A scanner's bearer token: the door it opens and the facts of its event, in one row.

Scans and undos need four facts of the event and two of the door, so they are
read as plain values rather than loaded as full model objects: that halves
the work of the statement every scan starts with.
"""

from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select

from eventdesk.checkin import doors
from eventdesk.checkin.models import Door
from eventdesk.db import db
from eventdesk.events.models import Event, EventStatus

_EVENTS = Event.__table__
_DOORS = Door.__table__
_SCANNER = (
    select(
        _EVENTS.c.id, _EVENTS.c.status, _EVENTS.c.starts_at, _EVENTS.c.timezone,
        _DOORS.c.id.label("door_id"), _DOORS.c.name.label("door_name"),
    )
    .join_from(_EVENTS, _DOORS, _DOORS.c.event_id == _EVENTS.c.id)
    .where(
        _EVENTS.c.slug == bindparam("slug"),
        _DOORS.c.token_hash == bindparam("token_hash"),
        # Revoking also clears the token hash; this holds even if that changes.
        _DOORS.c.revoked_at.is_(None),
    )
)


@dataclass(frozen=True, slots=True)
class ScanEvent:
    """The facts of an event a scan needs: who it is, whether and when it opens, its zone."""

    id: int
    status: EventStatus
    starts_at: datetime
    timezone: str

    @property
    def zone(self) -> tzinfo:
        """Return the event's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class ScanDoor:
    """The door a scan is made at: what the scan log records and the answer shows."""

    id: int
    name: str


# What scans, undos and the scan log accept: model objects or the plain facts.
AnyEvent = Event | ScanEvent
AnyDoor = Door | ScanDoor


def scanner_at(slug: str, token: str) -> tuple[ScanEvent, ScanDoor] | None:
    """Return the event with ``slug`` and the active door of it that ``token`` opens."""
    if len(slug) > 80 or not doors.well_formed_token(token):
        return None
    row = db.session.execute(
        _SCANNER, {"slug": slug, "token_hash": doors.hash_token(token)}
    ).first()
    if row is None:
        return None
    return (ScanEvent(row.id, row.status, row.starts_at, row.timezone),
            ScanDoor(row.door_id, row.door_name))
