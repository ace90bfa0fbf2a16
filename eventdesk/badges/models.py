"""Per-event badge settings."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eventdesk.db import db, utcnow


class BadgeSettings(db.Model):
    """How an event's badges look and whether the door prints them at check-in."""

    __tablename__ = "badge_settings"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    # The door page opens the guest's badge for printing after each check-in.
    print_at_checkin: Mapped[bool] = mapped_column(default=False)
    show_qr: Mapped[bool] = mapped_column(default=True)
    sheet_layout: Mapped[str] = mapped_column(String(20), default="a4-2x4")
    label_layout: Mapped[str] = mapped_column(String(20), default="label-62")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
