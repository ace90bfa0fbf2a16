"""Message batches, the guests each one went to, and reminder settings."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventdesk.db import db, str_enum, utcnow
from eventdesk.events.models import Event


class BatchKind(enum.StrEnum):
    REMINDER = "reminder"  # the automatic one before the event: essential
    UPDATE = "update"  # news about the event: essential for its registered guests
    THANKS = "thanks"  # a word after the event: guests may decline these


class BatchStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # waits for its send time
    QUEUED = "queued"  # its mails are in the outbox
    CANCELLED = "cancelled"


class Audience(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CHECKED_IN = "checked_in"
    NOT_CHECKED_IN = "not_checked_in"
    INVITEES_SILENT = "invitees_silent"


class MessageBatch(db.Model):
    """One message an organiser (or the reminder) sends to a group of guests."""

    __tablename__ = "message_batches"
    __table_args__ = (
        # The key comes from the compose page (a double click is one batch), or
        # is "reminder": one automatic reminder per event, whatever the workers do.
        UniqueConstraint("event_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[BatchKind] = mapped_column(str_enum(BatchKind))
    status: Mapped[BatchStatus] = mapped_column(str_enum(BatchStatus))
    audience: Mapped[Audience] = mapped_column(str_enum(Audience))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    question_id: Mapped[int | None]
    answer: Mapped[str] = mapped_column(String(200), default="")
    # Empty: each guest in their own language; "nl" or "en": everyone in that one.
    language: Mapped[str] = mapped_column(String(5), default="")
    subject_nl: Mapped[str] = mapped_column(String(300), default="")
    subject_en: Mapped[str] = mapped_column(String(300), default="")
    body_nl: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    attachment_name: Mapped[str] = mapped_column(String(200), default="")
    attachment_type: Mapped[str] = mapped_column(String(100), default="")
    send_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()

    @property
    def essential(self) -> bool:
        """Tell whether guests get this even after opting out (reminders and updates)."""
        return self.kind != BatchKind.THANKS and self.audience != Audience.INVITEES_SILENT


class GuestMessage(db.Model):
    """One guest's copy of a batch: at most one per guest per batch, settled by the database."""

    __tablename__ = "guest_messages"
    __table_args__ = (
        UniqueConstraint("batch_id", "registration_id"),
        UniqueConstraint("batch_id", "invitee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("message_batches.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    invitee_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitees.id", ondelete="CASCADE"), index=True
    )
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderSetting(db.Model):
    """An event's automatic reminder; an event without a row has the default (on, 24 h)."""

    __tablename__ = "reminder_settings"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    hours_before: Mapped[int] = mapped_column(default=24)
    note_nl: Mapped[str] = mapped_column(Text, default="")
    note_en: Mapped[str] = mapped_column(Text, default="")
