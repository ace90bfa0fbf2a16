"""Event rules: when registration is open, and the seat counter.

Only this module writes the event's counters: ``confirmed_count`` (take a
seat, force one past the capacity, give one back) and ``refused_registrations``.
"""

import enum
from datetime import datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import joinedload

from eventdesk.db import db
from eventdesk.events.models import Event, EventRetention, EventStatus


class RegistrationWindow(enum.StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    UNPUBLISHED = "unpublished"
    CANCELLED = "cancelled"


def registration_window(event: Event, *, now: datetime) -> RegistrationWindow:
    """Tell whether ``event`` takes registrations at ``now``, and if not, why."""
    if event.status == EventStatus.CANCELLED:
        return RegistrationWindow.CANCELLED
    if event.status != EventStatus.PUBLISHED:
        return RegistrationWindow.UNPUBLISHED
    if event.registration_opens_at and now < event.registration_opens_at:
        return RegistrationWindow.NOT_YET_OPEN
    closes_at = event.registration_closes_at or event.ends_at
    if event.registration_closed or now >= closes_at:
        return RegistrationWindow.CLOSED
    return RegistrationWindow.OPEN


def upcoming_events(*, now: datetime) -> list[Event]:
    """Return published events that have not ended, soonest first."""
    query = (
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now)
        .order_by(Event.starts_at)
    )
    return list(db.session.scalars(query))


# Built once: these run on every event page, registration and check-in.
# The page and the registration form need the questions, and the page its
# cover's size and address (not its bytes, which stay deferred): same query.
_EVENT_BY_SLUG = (
    select(Event)
    .options(joinedload(Event.questions), joinedload(Event.cover))
    .where(Event.slug == bindparam("slug"))
)
_events = Event.__table__
# The WHERE clause is evaluated by the database under its row lock, so
# concurrent callers can never push the count past the capacity.
_TAKE_SEAT = (
    update(_events)
    .where(
        _events.c.id == bindparam("event_id"),
        or_(_events.c.capacity.is_(None), _events.c.confirmed_count < _events.c.capacity),
    )
    .values(confirmed_count=_events.c.confirmed_count + 1)
)


def published_event(slug: str) -> Event | None:
    """Return the event with ``slug`` if the public may see it."""
    event = db.session.scalars(_EVENT_BY_SLUG, {"slug": slug}).unique().first()
    if event is None or event.status == EventStatus.DRAFT:
        return None
    return event


def take_seat(event: Event) -> bool:
    """Claim one seat of ``event`` in the database; tell whether one was free."""
    result = db.session.execute(_TAKE_SEAT, {"event_id": event.id})
    db.session.expire(event, ["confirmed_count"])
    return result.rowcount == 1


def force_seat(event: Event) -> None:
    """Count one more seat of ``event`` even past its capacity (a walk-in let in by the door)."""
    table = Event.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == event.id)
        .values(confirmed_count=table.c.confirmed_count + 1)
    )
    db.session.expire(event, ["confirmed_count"])


def release_seat(event: Event) -> None:
    """Give one seat of ``event`` back."""
    table = Event.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == event.id, table.c.confirmed_count > 0)
        .values(confirmed_count=table.c.confirmed_count - 1)
    )
    db.session.expire(event, ["confirmed_count"])


def count_refused_registration(event: Event) -> None:
    """Count one registration refused for its client's share of confirmation mails."""
    table = Event.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == event.id)
        .values(refused_registrations=table.c.refused_registrations + 1)
    )
    db.session.expire(event, ["refused_registrations"])


def retention_days(event: Event) -> int | None:
    """Return the event's retention period in days, or None to keep until erased by hand."""
    row = db.session.get(EventRetention, event.id)
    return row.days if row else None


def set_retention(event: Event, days: int | None) -> None:
    """Set how long after ``event`` ends its guests' data is kept."""
    row = db.session.get(EventRetention, event.id) or EventRetention(event_id=event.id)
    row.days = days
    row.purged_at = None
    db.session.add(row)
    db.session.flush()
