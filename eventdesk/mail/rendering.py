"""Render a claimed batch of guest-mail drafts and keep their bytes before sending.

All drafts of a batch are read and rendered in one read-only transaction (on
SQLite without the write lock, which registrations need), then stored in one
short write transaction. A mail is sent only after its bytes and Message-ID
are stored, so a worker that dies mid-send sends the very same mail again.
"""

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from eventdesk.db import db, reading_only
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.registration.models import Registration
from eventdesk.tickets import drafts

log = logging.getLogger("eventdesk.mail")

Rendered = tuple[str, bytes] | OutboxStatus


def _render_one(item: OutboxMessage, *, now: datetime):
    """Render one draft with the renderer of its kind."""
    # Imported here: the messages package builds on the tickets mails.
    from eventdesk.messages import rendering as messages
    from eventdesk.messages.service import MESSAGE_KIND

    if item.kind == MESSAGE_KIND:
        return messages.render_message(item, now=now)
    if item.kind == messages.TEST_KIND:
        return messages.render_test(item, now=now)
    return drafts.render_draft(item, now=now)


def _render_all(message_ids: list[int], *, now: datetime) -> dict[int, dict]:
    """Return, per message, the column values to store: the mail, or why there is none."""
    items = list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))
    ))
    # Load the guests and their events at once; render_draft then finds them in
    # the session (which holds them only while something else does: ``guests``).
    wanted = {item.registration_id for item in items if item.registration_id}
    guests = list(db.session.scalars(
        select(Registration).options(joinedload(Registration.event))
        .where(Registration.id.in_(wanted))
    ))
    values: dict[int, dict] = {}
    for item in items:
        try:
            mail = _render_one(item, now=now)
        except drafts.Superseded as reason:
            values[item.id] = {"status": OutboxStatus.SUPERSEDED,
                               "last_error": f"not sent: {reason}"}
        except Exception as error:  # one bad draft must not hold up the batch
            log.exception("could not render outbox message %s", item.id)
            values[item.id] = {"status": OutboxStatus.FAILED,
                               "last_error": f"not rendered: {error}"}
        else:
            values[item.id] = {"raw": mail.raw, "message_id": mail.message_id,
                               "recipient": mail.recipient, "subject": mail.subject[:300]}
    del guests
    return values


def render_claimed(message_ids: list[int], token: str, *, now: datetime) -> dict[int, Rendered]:
    """Render claimed drafts and store them; return (recipient, raw) to send for each.

    Where there is nothing to send, the message's status is given instead:
    superseded (its news is out of date), failed (it cannot be rendered), or
    pending (our claim ran out meanwhile; another worker has it).
    """
    with reading_only():
        values = _render_all(message_ids, now=now)
        db.session.rollback()  # only read: end the snapshot
    table = OutboxMessage.__table__
    results: dict[int, Rendered] = {}
    for message_id, changes in values.items():
        if "raw" not in changes:
            changes = {**changes, "claimed_by": None, "claimed_until": None}
        kept = db.session.execute(
            update(table)
            .where(table.c.id == message_id, table.c.claimed_by == token, table.c.raw.is_(None))
            .values(**changes)
        ).rowcount
        if kept != 1:
            results[message_id] = OutboxStatus.PENDING
        elif "raw" in changes:
            results[message_id] = (changes["recipient"], changes["raw"])
        else:
            results[message_id] = changes["status"]
    db.session.commit()
    return results
