"""Queue mail in the current transaction."""

from email.message import EmailMessage

from sqlalchemy import insert

from eventdesk.db import db, utcnow
from eventdesk.mail.mime import OutgoingMail
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration.models import Registration


def enqueue(
    message: OutgoingMail | EmailMessage, *, kind: str, registration: Registration | None = None
) -> OutboxMessage:
    """Store ``message`` in the outbox; it is sent after the transaction commits.

    The stored bytes carry the Message-ID, so a resend after a crash in
    mid-send is the same message and receivers can tell it is a duplicate.
    """
    if isinstance(message, EmailMessage):
        # The message's own policy decides the line ends: use email.policy.SMTP.
        message = OutgoingMail(
            message_id=message["Message-ID"],
            recipient=message["To"].addresses[0].addr_spec,
            subject=str(message["Subject"]),
            raw=message.as_bytes(),
        )
    item = OutboxMessage(
        message_id=message.message_id,
        kind=kind,
        registration_id=registration.id if registration else None,
        recipient=message.recipient,
        subject=message.subject[:300],
        raw=message.raw,
        next_attempt_at=utcnow(),
    )
    db.session.add(item)
    db.session.flush()
    return item


def enqueue_draft(
    draft: dict, *, kind: str, registration: Registration, recipient: str, subject: str
) -> None:
    """Store what a guest mail is to say; the worker renders and sends it after commit.

    ``draft`` must be JSON; the renderer that reads it is the tickets
    package's (``eventdesk.tickets.drafts``). The Message-ID is given when the
    worker renders the mail and is kept with its bytes from then on.
    """
    if registration.id is None:
        db.session.flush()
    # A plain INSERT rather than an ORM object: nothing reads the row back in
    # this transaction, and it spares every registration a unit-of-work flush.
    db.session.execute(insert(OutboxMessage.__table__).values(
        kind=kind,
        registration_id=registration.id,
        recipient=recipient,
        subject=subject[:300],
        draft=draft,
        next_attempt_at=utcnow(),
    ))
