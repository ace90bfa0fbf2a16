"""Create, queue and cancel message batches; count what became of them.

Functions here flush but never commit. Each guest's copy is a ``GuestMessage``
row, unique per guest per batch, written in the same transaction as its
outbox draft: whichever worker or request queues a batch, a guest can be in
it once only.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.inputs import normalize_email
from eventdesk.invitations.models import Invitee
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.mail.optout import MessageOptOut, opted_out
from eventdesk.messages.audience import Filter, select_guests
from eventdesk.messages.models import (
    BatchStatus,
    GuestMessage,
    MessageBatch,
)
from eventdesk.registration.models import Registration

MESSAGE_KIND = "message"  # the outbox kind of every mail rendered from a batch
CHUNK = 1000


class MessageError(Exception):
    """A message that cannot be created, sent or cancelled as asked."""


class AlreadyCreated(MessageError):
    """This compose page was sent already (a repeated click)."""


class NotCancellable(MessageError):
    """The batch was cancelled already, or all its mails have gone."""


def batch_filter(batch: MessageBatch) -> Filter:
    """Return the audience filter a batch was created with."""
    return Filter(batch.audience, batch.organisation, batch.question_id, batch.answer)


def recipients(batch: MessageBatch) -> list[Registration | Invitee]:
    """Return who ``batch`` goes to now: its audience, less those who declined it."""
    guests = select_guests(batch.event, batch_filter(batch))
    if batch.essential:
        return guests
    declined = opted_out(batch.event_id)
    return [guest for guest in guests if guest.email_normalized not in declined]


def create_batch(event: Event, *, key: str, now: datetime, **fields) -> MessageBatch:
    """Store a new batch (scheduled); raise ``AlreadyCreated`` when ``key`` was used."""
    batch = MessageBatch(event_id=event.id, key=key[:64], status=BatchStatus.SCHEDULED,
                         created_at=now, **fields)
    batch.event = event
    try:
        with db.session.begin_nested():
            db.session.add(batch)
    except IntegrityError as error:
        raise AlreadyCreated() from error
    return batch


def queue_batch(batch: MessageBatch, *, now: datetime) -> int:
    """Put one draft per recipient of a scheduled batch in the outbox; return how many.

    The status moves from scheduled to queued in one conditional UPDATE, so of
    two workers (or a worker and a request) only one queues it.
    """
    table = MessageBatch.__table__
    taken = db.session.execute(
        update(table)
        .where(table.c.id == batch.id, table.c.status == BatchStatus.SCHEDULED)
        .values(status=BatchStatus.QUEUED, queued_at=now)
    ).rowcount
    if taken != 1:
        return 0
    guests = recipients(batch)
    outbox_rows = [{
        "kind": MESSAGE_KIND,
        "registration_id": guest.id if isinstance(guest, Registration) else None,
        "recipient": guest.email,
        "subject": (batch.subject_nl or batch.subject_en)[:300],
        "draft": {"batch": batch.id,
                  "invitee": guest.id if isinstance(guest, Invitee) else None},
        "next_attempt_at": now,
        "created_at": now,
    } for guest in guests]
    for start in range(0, len(outbox_rows), CHUNK):
        chunk = outbox_rows[start : start + CHUNK]
        ids = db.session.scalars(
            insert(OutboxMessage.__table__).returning(
                OutboxMessage.__table__.c.id, sort_by_parameter_order=True),
            chunk,
        ).all()
        db.session.execute(insert(GuestMessage.__table__), [{
            "batch_id": batch.id,
            "registration_id": row["registration_id"],
            "invitee_id": row["draft"]["invitee"],
            "outbox_id": outbox_id,
            "created_at": now,
        } for row, outbox_id in zip(chunk, ids, strict=True)])
    db.session.execute(update(table).where(table.c.id == batch.id)
                       .values(recipients=len(guests)))
    db.session.flush()
    db.session.refresh(batch)
    return len(guests)


def cancel_batch(batch: MessageBatch, *, now: datetime) -> int:
    """Cancel a batch and every one of its mails still waiting; return how many were stopped.

    A mail a worker holds right now is stopped when it is rendered (the
    renderer checks the batch); one already handed to the server is gone.
    """
    table = MessageBatch.__table__
    cancelled = db.session.execute(
        update(table)
        .where(table.c.id == batch.id, table.c.status != BatchStatus.CANCELLED)
        .values(status=BatchStatus.CANCELLED, cancelled_at=now)
    ).rowcount
    if cancelled != 1:
        raise NotCancellable()
    outbox = OutboxMessage.__table__
    mine = select(GuestMessage.outbox_id).where(GuestMessage.batch_id == batch.id)
    stopped = db.session.execute(
        update(outbox)
        .where(outbox.c.id.in_(mine), outbox.c.status == OutboxStatus.PENDING,
               (outbox.c.claimed_until.is_(None)) | (outbox.c.claimed_until < now))
        .values(status=OutboxStatus.SUPERSEDED, last_error="not sent: the message was cancelled")
    ).rowcount
    db.session.flush()
    db.session.refresh(batch)
    return stopped


@dataclass(frozen=True)
class Counts:
    """What became of a batch's mails."""

    sent: int = 0
    waiting: int = 0
    failed: int = 0
    stopped: int = 0


def counts(batch_ids: list[int]) -> dict[int, Counts]:
    """Return sent, waiting, failed and stopped mails per batch."""
    rows = db.session.execute(
        select(GuestMessage.batch_id, OutboxMessage.status, func.count())
        .join(OutboxMessage, OutboxMessage.id == GuestMessage.outbox_id)
        .where(GuestMessage.batch_id.in_(batch_ids))
        .group_by(GuestMessage.batch_id, OutboxMessage.status)
    )
    tally: dict[int, dict[str, int]] = {}
    names = {OutboxStatus.SENT: "sent", OutboxStatus.PENDING: "waiting",
             OutboxStatus.FAILED: "failed", OutboxStatus.SUPERSEDED: "stopped"}
    for batch_id, status, number in rows:
        tally.setdefault(batch_id, {})[names[status]] = number
    return {batch_id: Counts(**tally.get(batch_id, {})) for batch_id in batch_ids}


def batches(event: Event) -> list[MessageBatch]:
    """Return the batches of ``event``, newest first."""
    return list(db.session.scalars(
        select(MessageBatch).where(MessageBatch.event_id == event.id)
        .order_by(MessageBatch.id.desc())
    ))


def sent_to(registration: Registration) -> list[tuple[MessageBatch, OutboxMessage]]:
    """Return the messages of batches queued for one guest, with their outbox state."""
    return list(db.session.execute(
        select(MessageBatch, OutboxMessage)
        .join(GuestMessage, GuestMessage.batch_id == MessageBatch.id)
        .join(OutboxMessage, OutboxMessage.id == GuestMessage.outbox_id)
        .where(GuestMessage.registration_id == registration.id)
        .order_by(GuestMessage.id)
    ).tuples())


def opt_out(event: Event, email: str, *, now: datetime) -> None:
    """Record that ``email`` declines ``event``'s non-essential messages (once)."""
    address = normalize_email(email)
    exists = db.session.scalar(select(MessageOptOut.id).where(
        MessageOptOut.event_id == event.id, MessageOptOut.email_normalized == address))
    if exists:
        return
    try:
        with db.session.begin_nested():
            db.session.add(MessageOptOut(event_id=event.id, email_normalized=address,
                                         created_at=now))
    except IntegrityError:
        pass  # a second click at the same moment: declined all the same


def forget_guest(registration: Registration) -> None:
    """Delete a guest's copies of messages and their opt-out (with their personal data)."""
    db.session.execute(GuestMessage.__table__.delete().where(
        GuestMessage.registration_id == registration.id))
    db.session.execute(MessageOptOut.__table__.delete().where(
        MessageOptOut.event_id == registration.event_id,
        MessageOptOut.email_normalized == registration.email_normalized))



def queue_test(draft: dict, *, kind: str, recipient: str, subject: str, now: datetime) -> None:
    """Queue a test message to the organiser; it belongs to no guest and no batch."""
    db.session.execute(insert(OutboxMessage.__table__), {
        "kind": kind, "registration_id": None, "recipient": recipient,
        "subject": subject[:300], "draft": draft, "next_attempt_at": now, "created_at": now,
    })
