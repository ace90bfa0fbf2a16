"""Queue mail in the current transaction."""

from sqlalchemy import delete, insert

from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage

# A plain INSERT rather than an ORM object: nothing reads the row back in the
# transaction, and it spares every registration a unit-of-work flush. Built
# once: it runs for every registration.
_INSERT_DRAFT = insert(OutboxMessage.__table__)


def enqueue_draft(
    draft: dict, *, kind: str, recipient: str, subject: str, registration_id: int | None = None
) -> None:
    """Store what a mail is to say; the worker renders and sends it after commit.

    ``draft`` must be JSON; the renderer registered for ``kind`` (see
    ``eventdesk.mail.rendering.register_renderer``) reads it. The Message-ID
    is given when the worker renders the mail and is kept with its bytes
    from then on. ``registration_id`` ties the mail to a guest, so undoing
    the registration drops it and the guest's page lists it.
    """
    db.session.execute(_INSERT_DRAFT, {
        "kind": kind,
        "registration_id": registration_id,
        "recipient": recipient,
        "subject": subject[:300],
        "draft": draft,
        "next_attempt_at": utcnow(),
    })


def enqueue_drafts(rows: list[dict], *, kind: str) -> None:
    """Store many drafts with one INSERT; each row has draft, recipient and subject."""
    if not rows:
        return
    now = utcnow()
    db.session.execute(_INSERT_DRAFT, [{
        "kind": kind,
        "registration_id": row.get("registration_id"),
        "recipient": row["recipient"],
        "subject": row["subject"][:300],
        "draft": row["draft"],
        "next_attempt_at": now,
    } for row in rows])


def drop_queued_mail(registration_id: int) -> None:
    """Delete the mail queued for a registration that is being undone in this transaction."""
    table = OutboxMessage.__table__
    db.session.execute(delete(table).where(table.c.registration_id == registration_id))
