"""Chores the background worker does besides sending mail."""

import logging
from datetime import datetime

from eventdesk import ratelimit
from eventdesk.db import db, utcnow
from eventdesk.organiser.privacy import purge_expired
from eventdesk.registration.confirmation import forget_unconfirmed

log = logging.getLogger("eventdesk.housekeeping")


def erase_expired_personal_data(*, now: datetime) -> int:
    """Erase the guests of events past their retention period, one short transaction a batch."""
    total = 0
    while erased := purge_expired(now=now):
        db.session.commit()
        total += erased
    db.session.commit()
    return total


def forget_unconfirmed_registrations(*, now: datetime) -> int:
    """Delete the registrations whose guests never confirmed their address."""
    forgotten = forget_unconfirmed(now=now)
    db.session.commit()
    return forgotten


def forget_old_rate_counters(*, now: datetime) -> int:
    """Delete the hit counters no limit looks at any more (one row per address and hour)."""
    forgotten = ratelimit.forget_older_than(now - ratelimit.KEPT_FOR)
    db.session.commit()
    return forgotten


def run_chores() -> None:
    """Do every periodic chore once."""
    forgotten = forget_unconfirmed_registrations(now=utcnow())
    if forgotten:
        log.info("deleted %d registration(s) never confirmed by their guests", forgotten)
    erased = erase_expired_personal_data(now=utcnow())
    if erased:
        log.info("erased the personal data of %d guest(s) past retention", erased)
    forget_old_rate_counters(now=utcnow())
