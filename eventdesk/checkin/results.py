"""The answer to a scan, in the vocabulary the page and other scanners share."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from eventdesk.checkin.bearer import AnyEvent
from eventdesk.registration.models import Registration, RegistrationStatus

OK = "ok"
ERROR = "error"

ALREADY_CHECKED_IN = "already_checked_in"
UNKNOWN = "unknown"
CANCELLED = "cancelled"
WAITLISTED = "waitlisted"
# The guest never confirmed their address: the registration holds no ticket.
UNCONFIRMED = "unconfirmed"
WRONG_EVENT = "wrong_event"
# A short code that two tickets of the event share: only the full code decides.
AMBIGUOUS = "ambiguous"
NOT_OPEN = "not_open"
# Undo of a guest who is not checked in.
NOT_CHECKED_IN = "not_checked_in"
# Walk-ins.
FULL = "full"
ALREADY_REGISTERED = "already_registered"


class Attendee(Protocol):
    """What an answer tells about a guest: a registration, or a row read for the scan."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def organisation(self) -> str: ...
    @property
    def status(self) -> RegistrationStatus: ...


@dataclass(frozen=True)
class Result:
    """What a scan, undo or walk-in did, and about whom."""

    status: str
    reason: str | None = None
    registration: Registration | Attendee | None = None
    checked_in_at: datetime | None = None
    door: str | None = None
    replayed: bool = False
    override: bool = False

    @property
    def ok(self) -> bool:
        return self.status == OK

    def as_json(self, event: AnyEvent) -> dict:
        """Return the API form, with times in UTC and as HH:MM in the event's zone."""
        registration = self.registration
        attendee = None
        if registration is not None and self.reason != WRONG_EVENT:
            attendee = {
                "id": registration.id,
                "name": registration.name,
                "organisation": registration.organisation,
                "status": registration.status.value,
            }
        at = self.checked_in_at
        return {
            "status": self.status,
            "reason": self.reason,
            "attendee": attendee,
            "checked_in_at": at.isoformat().replace("+00:00", "Z") if at else None,
            "checked_in_time": at.astimezone(event.zone).strftime("%H:%M") if at else None,
            "door": self.door,
            "replayed": self.replayed,
            "override": self.override,
        }
