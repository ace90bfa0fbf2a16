"""Doors and the scan log.

The check-in state itself lives on the registration (``checked_in_at``,
``checked_in_door_id``) so one conditional UPDATE of one row decides it.
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventdesk.db import db, str_enum, utcnow
from eventdesk.events.models import Event


class Door(db.Model):
    """A named entrance of one event, opened by a link/bearer token, a PIN or an account."""

    __tablename__ = "doors"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # Set for the door a door-staff account scans at; such doors need no secret.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Only hashes are stored: SHA-256 of the (high-entropy) token, scrypt of the PIN.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    # Raised whenever secrets change or the door is revoked, ending older door sessions.
    secret_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()

    @property
    def active(self) -> bool:
        """Tell whether the door may still scan."""
        return self.revoked_at is None


class ScanAction(enum.StrEnum):
    CHECK_IN = "check_in"
    UNDO = "undo"
    WALK_IN = "walk_in"


class Scan(db.Model):
    """One request at a door, refused ones included: the audit log of the entrance."""

    __tablename__ = "scans"
    __table_args__ = (
        # A retried request (same client nonce at the same door) is answered from here.
        UniqueConstraint("door_id", "nonce"),
        Index("ix_scans_event_id_at", "event_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    door_id: Mapped[int] = mapped_column(ForeignKey("doors.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    action: Mapped[ScanAction] = mapped_column(str_enum(ScanAction))
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(30))
    # What the scanner sent, cut short: a 10 kB junk string is not worth keeping whole.
    raw_code: Mapped[str] = mapped_column(String(120), default="")
    nonce: Mapped[str | None] = mapped_column(String(64))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    # A walk-in admitted past capacity on the door's explicit say-so.
    override: Mapped[bool] = mapped_column(default=False)

    door: Mapped[Door] = relationship()


class ConflictKind(enum.StrEnum):
    # Two doors admitted one ticket while at least one of them was offline.
    TWICE = "twice"
    # A door admitted a ticket offline that had been cancelled (or lost its seat) meanwhile.
    CANCELLED = "cancelled"


class CheckinConflict(db.Model):
    """A check-in the server could not simply accept, settled and kept for the organiser."""

    __tablename__ = "checkin_conflicts"
    __table_args__ = (Index("ix_checkin_conflicts_event_id_at", "event_id", "other_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE")
    )
    kind: Mapped[ConflictKind] = mapped_column(str_enum(ConflictKind))
    # The check-in that stands (none for a cancelled ticket) ...
    kept_door_id: Mapped[int | None] = mapped_column(ForeignKey("doors.id", ondelete="SET NULL"))
    kept_at: Mapped[datetime | None]
    # ... and the one recorded beside it, with the time it happened at the door.
    other_door_id: Mapped[int | None] = mapped_column(ForeignKey("doors.id", ondelete="SET NULL"))
    other_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    kept_door: Mapped[Door | None] = relationship(foreign_keys=[kept_door_id])
    other_door: Mapped[Door | None] = relationship(foreign_keys=[other_door_id])
