"""Guests who declined an event's non-essential mail, and their signed opt-out links.

Whoever holds a link may decline; the rule holds for every mail that is not
essential: the organisers' messages and the invitation reminders. The page
that records an opt-out is the messages package's (``messages.opt_out``).
"""

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from eventdesk.db import db, utcnow
from eventdesk.inputs import normalize_email
from eventdesk.links import external_url

# Unchanged since the links were first mailed, so old links keep working.
_SALT = "eventdesk.messages.opt-out"


class MessageOptOut(db.Model):
    """A guest who declined the non-essential messages of an event."""

    __tablename__ = "message_opt_outs"
    __table_args__ = (UniqueConstraint("event_id", "email_normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    email_normalized: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def opted_out(event_id: int) -> set[str]:
    """Return the normalised addresses that declined the event's non-essential messages."""
    return set(db.session.scalars(
        select(MessageOptOut.email_normalized).where(MessageOptOut.event_id == event_id)
    ))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def opt_out_token(event_id: int, email: str) -> str:
    """Return the token of one guest's opt-out link for one event."""
    return _serializer().dumps([event_id, normalize_email(email)])


def read_token(token: str) -> tuple[int, str] | None:
    """Return (event id, address) of a genuine token, or None for anything else."""
    try:
        value = _serializer().loads(token)
    except (BadSignature, UnicodeError, ValueError):
        return None
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int)
            or not isinstance(value[1], str)):
        return None
    return value[0], value[1]


def opt_out_url(event_id: int, email: str) -> str:
    """Return the absolute opt-out link (on EVENTDESK_BASE_URL) for one guest."""
    return external_url("messages.opt_out", token=opt_out_token(event_id, email))
