"""An organiser corrects a guest's details: a typo in a name or an address."""

from datetime import datetime

from sqlalchemy import select

from eventdesk.db import db
from eventdesk.inputs import normalize_email
from eventdesk.organiser import guest_news
from eventdesk.registration import service
from eventdesk.registration.errors import AlreadyRegistered
from eventdesk.registration.models import Registration, RegistrationStatus


def edit_guest(registration: Registration, *, name: str, email: str, organisation: str,
               language: str, now: datetime) -> bool:
    """Change a guest's name, address, organisation and mail language; return True if mailed.

    A new address that another registration of the event uses raises
    ``AlreadyRegistered``. A confirmed guest whose address changed gets the
    ticket at the new address (the old one may never have arrived).
    """
    normalized = normalize_email(email)
    readdressed = normalized != registration.email_normalized
    if readdressed:
        taken = db.session.scalar(
            select(Registration).where(Registration.event_id == registration.event_id,
                                       Registration.email_normalized == normalized,
                                       Registration.id != registration.id)
        )
        if taken is not None:
            raise AlreadyRegistered(taken)
    service.update_details(registration, name=name, organisation=organisation,
                           answers=registration.answers or {})
    registration.email = email.strip()
    registration.email_normalized = normalized
    registration.language = language
    db.session.flush()
    if readdressed and registration.status == RegistrationStatus.CONFIRMED:
        guest_news.resend_ticket(registration, now=now)
        return True
    return False
