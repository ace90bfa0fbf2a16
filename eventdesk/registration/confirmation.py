"""Pending registrations: confirming the address, and forgetting those never confirmed.

Functions here flush but never commit; the caller owns the transaction.
"""

from datetime import datetime

from sqlalchemy import delete, exists, update

from eventdesk.db import db
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration import notify
from eventdesk.registration.admission import admission
from eventdesk.registration.confirm_links import pending_lifetime
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.registration.outcomes import Outcome
from eventdesk.registration.seats import Seating, settle

_registrations = Registration.__table__
_outbox = OutboxMessage.__table__


def is_expired(registration: Registration, *, now: datetime) -> bool:
    """Tell whether a pending registration waited too long for its confirmation."""
    return registration.consented_at <= now - pending_lifetime()


def confirm_address(registration: Registration, *, now: datetime) -> bool:
    """Give a guest who confirmed their address a seat, or the waiting list when full.

    Exactly what a registration would get at this moment, ticket mail
    included; a closed event refuses it as it would refuse a registration.
    Returns False, changing nothing, when the registration is no longer
    pending (a second click on the link, or it was cancelled meanwhile).
    """
    if registration.status != RegistrationStatus.PENDING:
        return False
    waitlist_only = admission(registration.event, now=now)
    # Claimed from pending first, so two clicks at once confirm once; and the
    # row before the seat, as a registration does, so the two cannot deadlock.
    claimed = db.session.execute(
        update(_registrations)
        .where(_registrations.c.id == registration.id,
               _registrations.c.status == RegistrationStatus.PENDING)
        .values(status=RegistrationStatus.WAITLISTED)
    ).rowcount
    db.session.expire(registration, ["status"])
    if claimed != 1:
        return False
    # Note: the waiting list is ordered by id, so a guest who confirms into a
    # full event waits behind those who registered before their first try,
    # not before their click; a confirmation usually follows within minutes.
    seating = Seating.WAITLIST if waitlist_only else Seating.IF_FREE
    happened, _ = settle(registration, now=now, seating=seating)
    notify.announce(Outcome(registration, happened, new_row=False))
    return True


def withdraw_pending(registration: Registration) -> bool:
    """Delete a registration that still waits for its confirmation; tell whether it did."""
    # Conditional on pending: once confirmed it holds a seat and must stay.
    still_pending = (_registrations.c.id == registration.id) & (
        _registrations.c.status == RegistrationStatus.PENDING
    )
    # Its confirmation mail first, while the row still says which mail is its.
    db.session.execute(delete(_outbox).where(
        _outbox.c.registration_id == registration.id,
        exists().where(still_pending),
    ))
    deleted = db.session.execute(delete(_registrations).where(still_pending)).rowcount
    if deleted != 1:
        db.session.expire(registration)
        return False
    db.session.expunge(registration)
    return True


def forget_unconfirmed(*, now: datetime) -> int:
    """Delete the pending registrations that were never confirmed in time; return how many."""
    # consented_at is the moment of the (latest) request to register, so a
    # cancelled registration asked for again gets its full time as well.
    result = db.session.execute(
        delete(_registrations).where(
            _registrations.c.status == RegistrationStatus.PENDING,
            _registrations.c.consented_at <= now - pending_lifetime(),
        )
    )
    return result.rowcount
