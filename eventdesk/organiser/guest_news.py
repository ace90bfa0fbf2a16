"""Tell guests about event changes, through the ticket-mail package when it offers it.

The rich mails (calendar updates, cancellations) belong to ``eventdesk.tickets``.
Where a hook is not there yet, the action still succeeds and the caller can say
that no mail went out.
"""

from eventdesk.events.models import Event
from eventdesk.registration.models import Registration
from eventdesk.tickets import notify


def event_changed(event: Event) -> bool:
    """Queue the 'event changed' mails; return whether mail was queued."""
    hook = getattr(notify, "event_changed", None)
    if hook is None:  # INTEGRATION: tickets.notify.event_changed (issue 3)
        return False
    hook(event)
    return True


def event_cancelled(event: Event) -> bool:
    """Queue the 'event cancelled' mails; return whether mail was queued."""
    hook = getattr(notify, "event_cancelled", None)
    if hook is None:  # INTEGRATION: tickets.notify.event_cancelled (issue 3)
        return False
    hook(event)
    return True


def resend_ticket(registration: Registration) -> None:
    """Queue the ticket mail for a confirmed guest once more."""
    try:
        from eventdesk.tickets.service import resend_ticket as resend
    except ImportError:  # INTEGRATION: the resend service of issue 3, when it lands
        notify.registration_confirmed(registration)
        return
    resend(registration)
