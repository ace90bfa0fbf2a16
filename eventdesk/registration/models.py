"""The registration model."""

import enum
import secrets
import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventdesk.db import db, str_enum, utcnow
from eventdesk.events.models import Event


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    # Asked to confirm the address by mail first: holds no seat and no valid ticket.
    PENDING = "pending"


def new_manage_token() -> str:
    """Return an unguessable token for a guest's manage link."""
    return secrets.token_urlsafe(32)


def new_uid() -> str:
    """Return a stable public id, used for the calendar UID."""
    return uuid.uuid4().hex


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One registration per address per event, settled by the database.
        UniqueConstraint("event_id", "email_normalized"),
        # The waiting list is read in arrival order.
        Index("ix_registrations_event_status_id", "event_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="nl")
    # Answers to the event's extra questions, keyed by question id (as text).
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    manage_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_manage_token)
    # The door ticket: set while confirmed, replaced when reissued.
    ticket_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Raised on every change the guest's calendar must follow.
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    consented_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # Door check-in, set and cleared only by conditional UPDATEs in checkin.service
    # so that two doors scanning one ticket at once give exactly one check-in.
    checked_in_at: Mapped[datetime | None]
    checked_in_door_id: Mapped[int | None] = mapped_column(
        ForeignKey("doors.id", ondelete="SET NULL")
    )
    # A plus-one: a registration of its own, brought by the guest it points to.
    companion_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )

    event: Mapped[Event] = relationship()
