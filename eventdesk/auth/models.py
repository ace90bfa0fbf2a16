"""User accounts and their event scope."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, true
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from eventdesk.db import db, str_enum, utcnow

if TYPE_CHECKING:
    from eventdesk.events.models import Event


class Role(enum.StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    DOOR = "door"


# Organisers limited to chosen events (User.all_events False) manage these only.
event_organisers = Table(
    "event_organisers",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(str_enum(Role))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # An organiser of every event, or (False) only of those in ``events``.
    all_events: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Stored in every session at login; raising it ends them all (logout, new
    # password, new role, deactivation), copied cookies included.
    session_generation: Mapped[int] = mapped_column(default=0, server_default=sql_text("0"))

    events: Mapped[list["Event"]] = relationship(secondary=event_organisers)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Return the session id: the account plus its current session generation."""
        return f"{self.id}.{self.session_generation}"

    def end_sessions(self) -> None:
        """End every session of this account; flush, then log in again to keep one."""
        # Counted up in the database, so two changes at once both count.
        self.session_generation = User.session_generation + 1

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of ``password``."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """Tell whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

