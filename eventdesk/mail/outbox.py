"""Queue mail in the current transaction."""

from email.message import EmailMessage

from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration.models import Registration


def enqueue(message: EmailMessage, *, kind: str, registration: Registration | None = None) -> OutboxMessage:
    """Store ``message`` in the outbox; it is sent after the transaction commits."""
    item = OutboxMessage(
        message_id=message["Message-ID"],
        kind=kind,
        registration_id=registration.id if registration else None,
        recipient=str(message["To"]),
        subject=str(message["Subject"])[:300],
        raw=message.as_bytes(),
        next_attempt_at=utcnow(),
    )
    db.session.add(item)
    db.session.flush()
    return item
