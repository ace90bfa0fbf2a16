"""Import every domain's models so the metadata is complete (for Alembic and tests)."""

from eventdesk.auth.models import User
from eventdesk.badges.models import BadgeSettings
from eventdesk.checkin.models import Door, Scan
from eventdesk.events.models import Event, EventRetention, Question
from eventdesk.invitations.models import Invitee, ReminderRound, ReminderSent
from eventdesk.mail.models import OutboxMessage
from eventdesk.mail.optout import MessageOptOut
from eventdesk.messages.models import GuestMessage, MessageBatch, ReminderSetting
from eventdesk.operations.heartbeat import WorkerPass
from eventdesk.ratelimit import RateCounter
from eventdesk.registration.models import Registration

__all__ = [
    "BadgeSettings",
    "Door", "Event", "EventRetention", "GuestMessage", "Invitee", "MessageBatch",
    "MessageOptOut", "OutboxMessage", "Question", "RateCounter",
    "Registration",
    "ReminderRound", "ReminderSent", "ReminderSetting", "Scan", "User", "WorkerPass",
]
