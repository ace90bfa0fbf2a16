"""Import every domain's models so the metadata is complete (for Alembic and tests)."""

from eventdesk.auth.models import User
from eventdesk.events.models import Event, Question
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration.models import Registration

__all__ = ["Event", "OutboxMessage", "Question", "Registration", "User"]
