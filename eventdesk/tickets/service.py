"""Ticket actions: reissue one guest's code, resend every ticket of an event.

Functions here flush but never commit; the caller owns the transaction.
"""

from datetime import datetime

from sqlalchemy import select, update

from eventdesk.db import db, utcnow
from eventdesk.events.models import Event
from eventdesk.registration import notify
from eventdesk.registration.codes import new_ticket_code
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.registration.service import registration_by_token


class TicketError(Exception):
    """A ticket action is not possible."""


class NoTicket(TicketError):
    """The registration has no ticket: it is waitlisted or cancelled."""


def reissue_ticket(registration: Registration, *, now: datetime | None = None) -> str:
    """Give a confirmed registration a new ticket code and mail it; the old code stops working.

    Returns the new code. Raises ``NoTicket`` unless the registration is confirmed.
    """
    old_code = registration.ticket_code
    code = new_ticket_code()
    table = Registration.__table__
    # Conditional on the code we saw, so two concurrent reissues leave one valid code.
    result = db.session.execute(
        update(table)
        .where(
            table.c.id == registration.id,
            table.c.status == RegistrationStatus.CONFIRMED,
            table.c.ticket_code == old_code,
        )
        .values(ticket_code=code)
    )
    db.session.expire(registration, ["ticket_code"])
    if old_code is None or result.rowcount != 1:
        raise NoTicket()
    notify.ticket_reissued(registration)
    return code


def resend_ticket(registration: Registration, *, now: datetime | None = None) -> None:
    """Queue one confirmed guest's current ticket once more; the code stays the same.

    Raises ``NoTicket`` unless the registration is confirmed.
    """
    if registration.status != RegistrationStatus.CONFIRMED or not registration.ticket_code:
        raise NoTicket()
    notify.ticket_resent(registration)


def resend_tickets(event: Event, *, now: datetime | None = None) -> int:
    """Queue the current ticket once more for every confirmed guest of ``event``.

    Codes stay the same. Returns the number of mails queued.
    """
    now = now or utcnow()
    guests = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
        .order_by(Registration.id)
    )
    count = 0
    for registration in guests:
        notify.ticket_resent(registration)
        count += 1
    return count


def registration_by_ticket_token(token: str) -> Registration | None:
    """Return the registration behind a manage-link token, if it has a ticket."""
    registration = registration_by_token(token)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return None
    if not registration.ticket_code:
        return None
    return registration
