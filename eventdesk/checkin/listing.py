"""Finding guests at the door, and the in / expected counters."""

from sqlalchemy import func, or_, select

from eventdesk.checkin.scanlog import printable
from eventdesk.checkin.service import AmbiguousShortCode, code_for_short
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.inputs import normalize_email
from eventdesk.registration.codes import clean_short_code
from eventdesk.registration.models import Registration, RegistrationStatus

SEARCH_LIMIT = 20


def search(
    event: Event, query: str, *, limit: int = SEARCH_LIMIT, email_parts: bool = True
) -> list[Registration]:
    """Find guests of ``event`` by name, organisation or email; confirmed ones first.

    Without ``email_parts`` a word matches an email address only whole, so
    search cannot list who has an address at some domain.
    """
    short = clean_short_code(query or "")
    if short is not None:
        # A short ticket code finds its guest only when no other ticket shares it.
        try:
            code = code_for_short(event, short)
        except AmbiguousShortCode:
            code = None
        if code is not None:
            return list(db.session.scalars(select(Registration).where(
                Registration.event_id == event.id, Registration.ticket_code == code,
                Registration.status != RegistrationStatus.PENDING,
            )))
    words = printable(query or "", 200).split()[:4]
    if not words or sum(len(word) for word in words) < 2:
        return []
    # Pending registrations are not guests (yet): they hold no seat nor ticket.
    statement = select(Registration).where(
        Registration.event_id == event.id, Registration.status != RegistrationStatus.PENDING
    )
    for word in words:
        # autoescape: a % or _ typed in the search is a plain character.
        part = word[:60].lower()
        by_email = (
            Registration.email_normalized.contains(part, autoescape=True) if email_parts
            else Registration.email_normalized == normalize_email(word[:254])
        )
        statement = statement.where(
            or_(
                func.lower(Registration.name).contains(part, autoescape=True),
                func.lower(Registration.organisation).contains(part, autoescape=True),
                by_email,
            )
        )
    statement = statement.order_by(
        Registration.status != RegistrationStatus.CONFIRMED, Registration.name, Registration.id
    ).limit(limit)
    return list(db.session.scalars(statement))


def counts(event: Event) -> dict[str, int]:
    """Return how many confirmed guests are in, and how many are expected."""
    row = db.session.execute(
        select(func.count(), func.count(Registration.checked_in_at)).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).one()
    return {"checked_in": row[1], "expected": row[0]}
