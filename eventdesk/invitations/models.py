"""Invitees, their answers and the reminder log."""

import enum
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventdesk.db import db, str_enum, utcnow
from eventdesk.events.models import Event
from eventdesk.registration.models import Registration


class Answer(enum.StrEnum):
    NONE = "none"
    YES = "yes"
    NO = "no"


def new_invitation_token() -> str:
    """Return an unguessable token for an invitee's personal link."""
    return secrets.token_urlsafe(32)


class Invitee(db.Model):
    __tablename__ = "invitees"
    __table_args__ = (
        # One invitation per address per event: re-uploading a list adds nothing twice.
        UniqueConstraint("event_id", "email_normalized"),
        CheckConstraint("extra_guests >= 0", name="extra_guests_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="nl")
    # How many companions the invitee may bring.
    extra_guests: Mapped[int] = mapped_column(default=0)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_invitation_token)
    answer: Mapped[Answer] = mapped_column(str_enum(Answer), default=Answer.NONE)
    answered_at: Mapped[datetime | None]
    decline_message: Mapped[str] = mapped_column(Text, default="")
    # Set once by a conditional UPDATE, so a double click sends one invitation.
    invited_at: Mapped[datetime | None]
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration | None] = relationship()


class ReminderRound(db.Model):
    """One "remind the silent" action of an organiser."""

    __tablename__ = "reminder_rounds"
    __table_args__ = (
        # The key comes from the page the organiser clicked on: a double submit is one round.
        UniqueConstraint("event_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_count: Mapped[int] = mapped_column(default=0)


class ReminderSent(db.Model):
    """The log of who got a reminder in which round; at most one each."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("round_id", "invitee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reminder_rounds.id", ondelete="CASCADE"))
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitees.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime]
