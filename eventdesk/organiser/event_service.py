"""Organiser actions on events: create, edit, duplicate, publish, close, cancel.

Functions flush but never commit; the caller owns the transaction.
"""

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from eventdesk.auth.models import User
from eventdesk.auth.permissions import grant_event
from eventdesk.db import db
from eventdesk.events.models import Event, EventStatus, Question
from eventdesk.registration.service import promote_waitlisted

# Fields a guest's calendar and ticket mail show: changing them is news to guests.
GUEST_FACING = ("starts_at", "ends_at", "venue", "address", "timezone", "title_nl", "title_en")
EDITABLE = (
    "title_nl", "title_en", "description_nl", "description_en", "venue", "address", "timezone",
    "starts_at", "ends_at", "capacity", "registration_opens_at", "registration_closes_at",
    "organiser_email", "organiser_name", "confirm_address_always",
)


class EventError(Exception):
    """An event cannot be changed this way."""


class SlugTaken(EventError):
    """Another event already uses this web address."""


class NotAllowedNow(EventError):
    """The event's status does not allow this action."""


def slugify(text: str) -> str:
    """Turn a title into a web address part: 'Één dag' -> 'een-dag'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:70].strip("-") or "event"


def _slug_free(slug: str, *, exclude: Event | None = None) -> bool:
    query = select(Event.id).where(Event.slug == slug)
    if exclude is not None and exclude.id is not None:
        query = query.where(Event.id != exclude.id)
    return db.session.scalar(query) is None


def unique_slug(base: str) -> str:
    """Return ``base``, or ``base-2``, ``base-3``... whichever is free."""
    slug, number = base, 1
    while not _slug_free(slug):
        number += 1
        slug = f"{base[:70]}-{number}"
    return slug


def create_event(fields: Mapping, *, owner: User, slug: str | None = None) -> Event:
    """Create a draft event from form ``fields``; its creator may manage it."""
    if slug:
        if not _slug_free(slug):
            raise SlugTaken(slug)
    else:
        slug = unique_slug(slugify(fields["title_nl"]))
    event = Event(slug=slug, status=EventStatus.DRAFT)
    for name in EDITABLE:
        setattr(event, name, fields.get(name))
    _fill_defaults(event)
    db.session.add(event)
    db.session.flush()
    grant_event(owner, event)
    db.session.flush()
    return event


def _fill_defaults(event: Event) -> None:
    for name in ("title_en", "description_nl", "description_en", "venue", "address",
                 "organiser_email", "organiser_name"):
        if getattr(event, name) is None:
            setattr(event, name, "")


def update_event(
    event: Event, fields: Mapping, *, slug: str | None, now: datetime
) -> frozenset[str]:
    """Apply form ``fields``; return the changed fields guests must be told of (maybe none)."""
    if event.status == EventStatus.CANCELLED:
        raise NotAllowedNow("cancelled")
    if slug and slug != event.slug:
        # A published address is in guests' mails and calendars: keep it.
        if event.status != EventStatus.DRAFT:
            raise NotAllowedNow("slug")
        if not _slug_free(slug, exclude=event):
            raise SlugTaken(slug)
        event.slug = slug
    changed = {name for name in EDITABLE if getattr(event, name) != fields.get(name)}
    old_capacity = event.capacity
    for name in EDITABLE:
        setattr(event, name, fields.get(name))
    _fill_defaults(event)
    db.session.flush()
    if event.capacity is None or (old_capacity is not None and event.capacity > old_capacity):
        promote_waitlisted(event, now=now)
    if event.status != EventStatus.PUBLISHED:
        return frozenset()
    return frozenset(changed & set(GUEST_FACING))


def duplicate_event(event: Event, *, owner: User) -> Event:
    """Copy ``event`` and its questions into a new draft without guests."""
    copy = Event(slug=unique_slug(f"{event.slug[:64]}-copy"), status=EventStatus.DRAFT)
    for name in EDITABLE:
        setattr(copy, name, getattr(event, name))
    copy.questions = [
        Question(
            position=q.position, kind=q.kind, label_nl=q.label_nl, label_en=q.label_en,
            required=q.required, choices=[dict(c) for c in q.choices],
        )
        for q in event.questions
    ]
    db.session.add(copy)
    db.session.flush()
    grant_event(owner, copy)
    db.session.flush()
    return copy


def publish(event: Event) -> None:
    """Show the event on the public list and open its form (within the window)."""
    if event.status != EventStatus.DRAFT:
        raise NotAllowedNow(event.status.value)
    event.status = EventStatus.PUBLISHED
    db.session.flush()


def unpublish(event: Event) -> None:
    """Take the event off the public list; registrations are kept."""
    if event.status != EventStatus.PUBLISHED:
        raise NotAllowedNow(event.status.value)
    event.status = EventStatus.DRAFT
    db.session.flush()


def set_registration_closed(event: Event, closed: bool) -> None:
    """Close registration early, or open it again."""
    if event.status == EventStatus.CANCELLED:
        raise NotAllowedNow("cancelled")
    event.registration_closed = closed
    db.session.flush()


def cancel_event(event: Event) -> None:
    """Cancel the event for good; the caller tells the guests."""
    if event.status == EventStatus.CANCELLED:
        raise NotAllowedNow("cancelled")
    event.status = EventStatus.CANCELLED
    db.session.flush()
