"""Event, extra-question and retention models."""

import enum
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventdesk.db import db, str_enum, utcnow


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("confirmed_count >= 0", name="confirmed_count_not_negative"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.DRAFT)
    title_nl: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # None means unlimited seats.
    capacity: Mapped[int | None]
    # Seats taken, kept in step by conditional UPDATEs so concurrent
    # registrations can never overbook (see registration.service).
    confirmed_count: Mapped[int] = mapped_column(default=0)
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    # Organisers may close registration early without touching the dates.
    registration_closed: Mapped[bool] = mapped_column(default=False)
    organiser_email: Mapped[str] = mapped_column(String(254), default="")
    # Who guests deal with: shown on the event page and privacy notice, the
    # mails' Reply-To and the calendar entry's ORGANIZER.
    organiser_name: Mapped[str] = mapped_column(String(200), default="")
    # Invitation-only events register guests through their personal links only;
    # with invitation_waitlist the public may still join the waiting list.
    invitation_only: Mapped[bool] = mapped_column(default=False)
    invitation_waitlist: Mapped[bool] = mapped_column(default=False)
    # Every public registration waits until its guest confirms the address by mail.
    confirm_address_always: Mapped[bool] = mapped_column(default=False)
    # Registrations refused because their client had asked for too many
    # confirmation mails: none is stored, so they are counted here.
    refused_registrations: Mapped[int] = mapped_column(default=0)
    # After this moment invitation links answer "closed".
    rsvp_closes_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    questions: Mapped[list["Question"]] = relationship(
        back_populates="event", order_by="Question.position", cascade="all, delete-orphan"
    )
    # Loaded only when asked for (the event page), and then without its bytes.
    cover: Mapped["EventCover | None"] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def zone(self) -> tzinfo:
        """Return the event's time zone."""
        return ZoneInfo(self.timezone)

    def title(self, language: str) -> str:
        """Return the title in ``language``, falling back to Dutch."""
        return (self.title_en if language == "en" else self.title_nl) or self.title_nl

    def description(self, language: str) -> str:
        """Return the Markdown description in ``language``, falling back to the other one."""
        if language == "en":
            return self.description_en or self.description_nl
        return self.description_nl or self.description_en

    @property
    def seats_left(self) -> int | None:
        """Return the free seats, or None when the event has no limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)


class EventCover(db.Model):
    """An event's cover image, kept in the database so backups and every app server have it."""

    __tablename__ = "event_covers"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    # Random and new for every upload: it is in the image's address, which
    # browsers cache for a year, so a new cover must never reuse it.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    # The re-encoded JPEG (events/covers.py); only the image route reads it.
    jpeg: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    event: Mapped[Event] = relationship(back_populates="cover")

    @property
    def name(self) -> str:
        """Return the image's file name in its address, e.g. ``TOKEN-1600x900.jpg``."""
        return f"{self.token}-{self.width}x{self.height}.jpg"


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    label_nl: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300), default="")
    required: Mapped[bool] = mapped_column(default=False)
    # For CHOICE questions: [{"value": "...", "nl": "...", "en": "..."}, ...]
    choices: Mapped[list[dict]] = mapped_column(JSON, default=list)

    event: Mapped[Event] = relationship(back_populates="questions")

    def label(self, language: str) -> str:
        """Return the question text in ``language``, falling back to Dutch."""
        return (self.label_en if language == "en" else self.label_nl) or self.label_nl

    def choice_options(self, language: str) -> list[tuple[str, str]]:
        """Return (value, label) pairs for a choice question."""
        return [(c["value"], c.get(language) or c.get("nl") or c["value"]) for c in self.choices]


class EventRetention(db.Model):
    """How many days after an event its guests' personal data is kept."""

    __tablename__ = "event_retention"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[int | None]
    purged_at: Mapped[datetime | None]
