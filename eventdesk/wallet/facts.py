"""The facts a wallet pass shows, read fresh from the registration on every request."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from eventdesk.events import display
from eventdesk.events.models import EventStatus
from eventdesk.links import external_url
from eventdesk.registration.models import Registration, RegistrationStatus


class NoPass(Exception):
    """Only a confirmed registration with a ticket gets a pass (not pending or cancelled)."""


@dataclass(frozen=True)
class PassFacts:
    """Everything a pass says, in the guest's language."""

    serial: str
    version: str
    language: str
    title: str
    name: str
    organisation: str
    starts_at: datetime  # in the event's zone
    ends_at: datetime
    when: str
    venue: str
    address: str
    ticket_code: str
    event_url: str
    manage_url: str
    cancelled: bool
    labels: dict[str, str]


def pass_facts(registration: Registration) -> PassFacts:
    """Return the facts of ``registration``'s pass; refuse one without a valid ticket."""
    if registration.status != RegistrationStatus.CONFIRMED or not registration.ticket_code:
        raise NoPass
    event = registration.event
    language = registration.language if registration.language in ("nl", "en") else "nl"
    zone = event.zone
    starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    # A moved event, a new ticket code or a changed name gives another
    # version: Google Wallet then saves a new object instead of the old one.
    version = hashlib.sha256(
        f"{registration.calendar_sequence}|{registration.ticket_code}|{registration.name}|"
        f"{event.starts_at.isoformat()}|{event.status}".encode()
    ).hexdigest()[:12]
    with force_locale(language):
        labels = {
            "event": _("Event"),
            "name": _("Name"),
            "organisation": _("Organisation"),
            "when": _("When"),
            "where": _("Where"),
            "code": _("Ticket code"),
            "manage": _("Manage or cancel your registration"),
            "status": _("Status"),
            "cancelled": _("This event is cancelled."),
        }
        when = (
            f"{display.local_date(event.starts_at, event, language)}, "
            f"{display.local_time(event.starts_at, event, language)}–"
            f"{display.local_time(event.ends_at, event, language)}"
        )
    return PassFacts(
        serial=registration.uid,
        version=version,
        language=language,
        title=event.title(language),
        name=registration.name,
        organisation=registration.organisation or "",
        starts_at=starts,
        ends_at=ends,
        when=when,
        venue=event.venue or "",
        address=event.address or "",
        ticket_code=registration.ticket_code,
        event_url=external_url("events.detail", slug=event.slug),
        manage_url=external_url("registration.manage", token=registration.manage_token),
        cancelled=event.status == EventStatus.CANCELLED,
        labels=labels,
    )
