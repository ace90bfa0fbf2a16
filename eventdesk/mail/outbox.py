"""Queue mail in the current transaction."""

from sqlalchemy import delete, insert

from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration.models import Registration

# A plain INSERT rather than an ORM object: nothing reads the row back in the
# transaction, and it spares every registration a unit-of-work flush. Built
# once: it runs for every registration.
_INSERT_DRAFT = insert(OutboxMessage.__table__)


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
    db.session.execute(_INSERT_DRAFT, {
        "kind": kind,
        "registration_id": registration.id,
        "recipient": recipient,
        "subject": subject[:300],
        "draft": draft,
        "next_attempt_at": utcnow(),
    })


def drop_queued_mail(registration_id: int) -> None:
    """Delete the mail queued for a registration that is being undone in this transaction."""
    table = OutboxMessage.__table__
    db.session.execute(delete(table).where(table.c.registration_id == registration_id))
