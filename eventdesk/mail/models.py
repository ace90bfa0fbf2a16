"""The outbox: every mail is stored with the change that caused it."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventdesk.db import db, str_enum, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    SENT = "sent"  # accepted by the SMTP server (or kept in the development mailbox)
    FAILED = "failed"  # refused for good, or out of attempts: an organiser must look
    # Not sent: by the time it was due its news was out of date (the guest
    # cancelled, was promoted, or got a new ticket code); a later mail says so.
    SUPERSEDED = "superseded"


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set when the message is rendered; NULL (allowed more than once) until then.
    message_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # The complete RFC 5322 message, so a resend is byte for byte the same.
    # Guest mails are queued as a ``draft`` (what to say) and rendered into
    # ``raw`` by the worker just before the first attempt: the QR, invite and
    # MIME work stays out of the guest's request.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    draft: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A worker that claims a message sets these; a crashed worker's claim expires.
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
