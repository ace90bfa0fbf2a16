"""What organisers see of the outbox: failed mails, counts, and retrying.

Functions here flush but never commit; the caller owns the transaction.
"""

from datetime import datetime

from sqlalchemy import func, select, update

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.registration.models import Registration


class NotFailed(Exception):
    """Only a failed message can be retried."""


def _of_event(event: Event):
    return select(Registration.id).where(Registration.event_id == event.id)


def failed_messages(event: Event) -> list[OutboxMessage]:
    """Return the mails to ``event``'s guests that could not be delivered, newest first.

    Each has ``recipient``, ``subject``, ``kind``, ``attempts``, ``last_error``
    (the server's answer) and ``registration_id``.
    """
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.FAILED,
                OutboxMessage.registration_id.in_(_of_event(event)),
            )
            .order_by(OutboxMessage.id.desc())
        )
    )


def outbox_counts(event: Event) -> dict[OutboxStatus, int]:
    """Count ``event``'s mails by status: pending, sent, failed."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.registration_id.in_(_of_event(event)))
        .group_by(OutboxMessage.status)
    ).all()
    counts = dict.fromkeys(OutboxStatus, 0)
    counts.update({OutboxStatus(status): count for status, count in rows})
    return counts


def retry_message(message: OutboxMessage, *, now: datetime) -> None:
    """Queue a failed mail again (e.g. after the guest's address was fixed at their end).

    The same bytes and Message-ID are sent. Raises ``NotFailed`` otherwise.
    """
    table = OutboxMessage.__table__
    result = db.session.execute(
        update(table)
        .where(table.c.id == message.id, table.c.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, claimed_until=None)
    )
    db.session.expire(message)
    if result.rowcount != 1:
        raise NotFailed()
