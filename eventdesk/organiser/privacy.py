"""Privacy: purging after the retention period, a guest's data on request, and erasure.

Erasing keeps the row (counts and the seat arithmetic stay right) but replaces
everything that identifies the guest and drops the mails, which hold it too.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from eventdesk.checkin.models import Door, Scan, ScanAction
from eventdesk.db import db
from eventdesk.events.models import Event, EventRetention
from eventdesk.events.service import retention_days, set_retention
from eventdesk.mail.models import OutboxMessage
from eventdesk.messages.service import forget_guest
from eventdesk.organiser.answers import labelled_answers
from eventdesk.registration.models import Registration, RegistrationStatus, new_manage_token

# RFC 2606 reserves .invalid: such an address can never belong to anyone.
ERASED_DOMAIN = "erased.invalid"
PURGE_BATCH = 500

# The retention period belongs to the event (events.service); offered here
# too, beside the purge it drives.
__all__ = [
    "ERASED_DOMAIN", "EventRetention", "NotErasable", "erase_registration", "guest_data",
    "is_erased", "purge_expired", "retention_days", "set_retention",
]


class NotErasable(Exception):
    """A live registration for an event still to come must be cancelled first."""


def is_erased(registration: Registration) -> bool:
    """Tell whether the registration's personal data was erased."""
    return registration.email.endswith("@" + ERASED_DOMAIN)


def erase_registration(registration: Registration, *, now: datetime) -> None:
    """Replace the guest's personal data and drop their mails."""
    ended = registration.event.ends_at <= now
    if registration.status != RegistrationStatus.CANCELLED and not ended:
        raise NotErasable()
    # Their copies of messages and their opt-out name them too.
    forget_guest(registration)
    address = f"{registration.uid}@{ERASED_DOMAIN}"
    registration.name = ""
    registration.email = address
    registration.email_normalized = address
    registration.organisation = ""
    registration.answers = {}
    registration.ticket_code = None
    # The manage link in old mails stops working.
    registration.manage_token = new_manage_token()
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
    )
    # A walk-in has no ticket code to log: the scan log holds the name typed at the door.
    db.session.execute(
        update(Scan)
        .where(Scan.registration_id == registration.id, Scan.action == ScanAction.WALK_IN)
        .values(raw_code="")
    )
    db.session.flush()


def guest_data(registration: Registration, *, language: str) -> dict:
    """Return everything stored about a guest, for a data request."""
    event = registration.event
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
    )
    scans = db.session.execute(
        select(Scan.at, Door.name, Scan.action, Scan.status, Scan.reason)
        .join(Door, Door.id == Scan.door_id)
        .where(Scan.registration_id == registration.id)
        .order_by(Scan.at)
    )

    def when(moment):
        return moment.isoformat() if moment else None

    return {
        "event": {"title": event.title(language), "starts_at": when(event.starts_at)},
        "name": registration.name,
        "email": registration.email,
        "organisation": registration.organisation,
        "language": registration.language,
        "status": registration.status.value,
        "answers": dict(labelled_answers(event.questions, registration.answers, language)),
        "consented_at": when(registration.consented_at),
        "registered_at": when(registration.created_at),
        "confirmed_at": when(registration.confirmed_at),
        "cancelled_at": when(registration.cancelled_at),
        "checked_in_at": when(registration.checked_in_at),
        "mails": [
            {"kind": m.kind, "subject": m.subject, "to": m.recipient,
             "queued_at": when(m.created_at), "sent_at": when(m.sent_at)}
            for m in mails
        ],
        "scans": [
            {"at": when(at), "door": door, "action": action.value, "result": status,
             "reason": reason}
            for at, door, action, status, reason in scans
        ],
    }


def _due_events(now: datetime) -> Iterator[Event]:
    rows = db.session.execute(
        select(Event, EventRetention.days)
        .join(EventRetention, EventRetention.event_id == Event.id)
        .where(EventRetention.days.is_not(None), EventRetention.purged_at.is_(None))
    )
    for event, days in rows:
        if event.ends_at + timedelta(days=days) <= now:
            yield event


def purge_expired(*, now: datetime) -> int:
    """Erase the guests of every event past its retention period; return how many.

    Works in batches so one call stays short; call it until it returns 0.
    """
    erased = 0
    for event in list(_due_events(now)):
        batch = db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id,
                   ~Registration.email_normalized.endswith("@" + ERASED_DOMAIN))
            .limit(PURGE_BATCH)
        ).all()
        for registration in batch:
            erase_registration(registration, now=now)
        erased += len(batch)
        if len(batch) < PURGE_BATCH:
            # Walk-ins the door turned away (full, closed) belong to no
            # registration, yet their scans hold the name that was typed.
            db.session.execute(
                update(Scan)
                .where(Scan.event_id == event.id, Scan.action == ScanAction.WALK_IN)
                .values(raw_code="")
            )
            db.session.get(EventRetention, event.id).purged_at = now
    db.session.flush()
    return erased
