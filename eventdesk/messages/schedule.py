"""Queue what is due: each event's automatic reminder and the messages set for a time.

The worker calls ``queue_due`` before each pass over the outbox, so a message
leaves at its moment even after a restart; several workers may call it at
once. The reminder batch has the fixed key "reminder" (unique per event) and
each batch is queued by one conditional UPDATE, so every guest gets one copy.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from eventdesk.db import db
from eventdesk.events.models import Event, EventStatus
from eventdesk.messages import service
from eventdesk.messages.models import (
    Audience,
    BatchKind,
    BatchStatus,
    MessageBatch,
    ReminderSetting,
)

log = logging.getLogger("eventdesk.messages")

REMINDER_KEY = "reminder"
DEFAULT_HOURS = 24
MAX_HOURS = 14 * 24


def reminder_setting(event: Event) -> ReminderSetting:
    """Return the event's reminder setting (the default, unsaved, when it has none)."""
    return db.session.get(ReminderSetting, event.id) or ReminderSetting(
        event_id=event.id, enabled=True, hours_before=DEFAULT_HOURS, note_nl="", note_en="")


def save_reminder_setting(event: Event, *, enabled: bool, hours_before: int,
                          note_nl: str, note_en: str) -> ReminderSetting:
    """Store how (and whether) the event's guests are reminded."""
    setting = db.session.get(ReminderSetting, event.id) or ReminderSetting(event_id=event.id)
    setting.enabled = enabled
    setting.hours_before = hours_before
    setting.note_nl = note_nl
    setting.note_en = note_en
    db.session.add(setting)
    db.session.flush()
    return setting


def reminder_due_at(event: Event) -> datetime | None:
    """Return when the event's reminder leaves, or None when it is switched off."""
    setting = reminder_setting(event)
    if not setting.enabled:
        return None
    return event.starts_at - timedelta(hours=setting.hours_before)


def reminder_batch(event: Event) -> MessageBatch | None:
    """Return the event's reminder batch once it exists."""
    return db.session.scalar(select(MessageBatch).where(
        MessageBatch.event_id == event.id, MessageBatch.key == REMINDER_KEY))


def _events_to_remind(now: datetime) -> list[Event]:
    taken = select(MessageBatch.event_id).where(MessageBatch.key == REMINDER_KEY)
    candidates = db.session.scalars(
        select(Event).where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(hours=MAX_HOURS),
            Event.id.not_in(taken),
        )
    )
    due = []
    for event in candidates:
        moment = reminder_due_at(event)
        if moment is not None and moment <= now:
            due.append(event)
    return due


def queue_reminder(event: Event, *, now: datetime) -> int:
    """Create and queue the event's reminder; return how many guests it goes to (0 if done)."""
    setting = reminder_setting(event)
    try:
        batch = service.create_batch(
            event, key=REMINDER_KEY, now=now, kind=BatchKind.REMINDER,
            audience=Audience.CONFIRMED, body_nl=setting.note_nl, body_en=setting.note_en,
            send_at=now, created_by="",
        )
    except service.AlreadyCreated:
        return 0  # another worker made it a moment ago
    return service.queue_batch(batch, now=now)


def queue_due(*, now: datetime) -> int:
    """Queue every reminder and scheduled message that is due, committing each; return mails."""
    queued = 0
    for event in _events_to_remind(now):
        queued += queue_reminder(event, now=now)
        db.session.commit()
    due = db.session.scalars(
        select(MessageBatch).where(MessageBatch.status == BatchStatus.SCHEDULED,
                                   MessageBatch.send_at <= now)
        .order_by(MessageBatch.send_at)
    ).all()
    for batch in due:
        queued += service.queue_batch(batch, now=now)
        db.session.commit()
    if queued:
        log.info("queued %d message(s) to guests", queued)
    return queued
