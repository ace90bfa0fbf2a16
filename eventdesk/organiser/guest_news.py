"""Tell guests about changes through the ticket-mail package (``eventdesk.tickets``)."""

from datetime import datetime

from eventdesk.events.models import Event
from eventdesk.registration import notify
from eventdesk.registration.models import Registration
from eventdesk.tickets.service import resend_ticket as _resend_ticket


def event_changed(event: Event, *, now: datetime, changed: frozenset[str] = frozenset()) -> int:
    """Queue updated tickets and calendar invites; return how many guests are told."""
    return notify.event_changed(event, changed=changed)


def event_cancelled(event: Event, *, now: datetime) -> int:
    """Queue the cancellation to every guest; return how many are told."""
    return notify.event_cancelled(event)


def resend_ticket(registration: Registration, *, now: datetime) -> None:
    """Queue the ticket mail for a confirmed guest once more (same code)."""
    _resend_ticket(registration, now=now)
