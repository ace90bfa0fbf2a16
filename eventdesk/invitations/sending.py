"""Send invitations once each, and remind the invitees who have not answered.

Functions here flush but never commit; the caller owns the transaction, so
the mails go out if and only if the marks that they were sent are committed.
"""

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.invitations.mails import queue_invitations
from eventdesk.invitations.models import Answer, Invitee, ReminderRound, ReminderSent
from eventdesk.invitations.service import InvitationError


class SendingInProgress(InvitationError):
    """Another request is sending the same invitations right now."""


class AlreadyReminded(InvitationError):
    """This reminder round was sent already (a repeated click)."""


def unsent(event: Event) -> list[Invitee]:
    """Return the invitees of ``event`` who have not had their invitation yet."""
    return list(
        db.session.scalars(
            select(Invitee)
            .where(Invitee.event_id == event.id, Invitee.invited_at.is_(None))
            .order_by(Invitee.id)
        )
    )


def send_invitations(event: Event, *, now: datetime, only: list[Invitee] | None = None) -> int:
    """Queue an invitation for every invitee not invited yet; return how many."""
    targets = [invitee for invitee in (only if only is not None else unsent(event))
               if invitee.invited_at is None]
    if not targets:
        return 0
    ids = [invitee.id for invitee in targets]
    table = Invitee.__table__
    marked = 0
    # Marked in one conditional UPDATE per chunk: a second sender matches no row.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        result = db.session.execute(
            update(table)
            .where(table.c.id.in_(chunk), table.c.invited_at.is_(None))
            .values(invited_at=now)
        )
        marked += result.rowcount
    if marked != len(ids):
        raise SendingInProgress()
    for invitee in targets:
        invitee.invited_at = now
    return queue_invitations(targets, event=event, now=now)


def silent(event: Event) -> list[Invitee]:
    """Return the invited people of ``event`` who have not answered."""
    return list(
        db.session.scalars(
            select(Invitee)
            .where(
                Invitee.event_id == event.id,
                Invitee.invited_at.is_not(None),
                Invitee.answer == Answer.NONE,
            )
            .order_by(Invitee.id)
        )
    )


def remind_silent(event: Event, *, key: str, now: datetime) -> int:
    """Remind each invitee who has not answered, once for this round ``key``.

    The key comes from the page the organiser acted on, so submitting the same
    page twice is one round. Returns the number of reminders queued.
    """
    reminder_round = ReminderRound(event_id=event.id, key=key[:64], created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(reminder_round)
    except IntegrityError as error:
        raise AlreadyReminded() from error
    targets = silent(event)
    if targets:
        db.session.execute(
            insert(ReminderSent),
            [{"round_id": reminder_round.id, "invitee_id": invitee.id, "sent_at": now}
             for invitee in targets],
        )
    queue_invitations(targets, event=event, reminder=True, now=now)
    reminder_round.sent_count = len(targets)
    db.session.flush()
    return len(targets)


def reminder_rounds(event: Event) -> list[ReminderRound]:
    """Return the reminder rounds of ``event``, newest first."""
    return list(
        db.session.scalars(
            select(ReminderRound)
            .where(ReminderRound.event_id == event.id)
            .order_by(ReminderRound.id.desc())
        )
    )
