"""Calendar invites for a registration, and links that add the event to a calendar.

Times are written in UTC (``...Z``): Outlook misreads some VTIMEZONE styles and
shifts an hour. The ticket code and the manage link stay out of the calendar,
because calendars get shared.
"""

import enum
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import current_app
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from eventdesk.events.models import Event
from eventdesk.inputs import one_line
from eventdesk.links import external_url
from eventdesk.mail.address import mail_address, sender_address
from eventdesk.registration.models import Registration


class Method(enum.StrEnum):
    REQUEST = "REQUEST"  # an invite or update sent by mail
    CANCEL = "CANCEL"  # removes the entry
    PUBLISH = "PUBLISH"  # a file to import by hand (the manage page's download)


def calendar_uid(registration: Registration) -> str:
    """Return the UID of the registration's calendar entry; it never changes."""
    return f"{registration.uid}@eventdesk"


def event_location(event: Event) -> str:
    """Return the venue and address on one line."""
    return ", ".join(part for part in (one_line(event.venue), one_line(event.address)) if part)


def sender() -> tuple[str, str]:
    """Return the (name, address) that mails and invites come from."""
    address = sender_address(current_app.config["MAIL_FROM"])
    return address.display_name, address.addr_spec


def organiser(event: Event) -> tuple[str, str]:
    """Return the (name, address) guests reach the event's organiser at."""
    name, address = sender()
    if event.organiser_email:
        return one_line(event.organiser_name) or name, event.organiser_email
    return name, address


def build_invite(
    registration: Registration, *, method: Method = Method.REQUEST, now: datetime
) -> bytes:
    """Return the iCalendar bytes that put the registration's event in a calendar."""
    event = registration.event
    calendar = Calendar()
    calendar.add("prodid", "-//eventdesk//eventdesk//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # REQUEST, not PUBLISH, for mail: Outlook shows a published entry as a plain attachment.
    calendar.add("method", method.value)
    entry = CalendarEvent()
    entry.add("uid", calendar_uid(registration))
    entry.add("sequence", registration.calendar_sequence)
    entry.add("dtstamp", now.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", one_line(event.title(registration.language)))
    location = event_location(event)
    if location:
        entry.add("location", location)
    page = external_url("events.detail", slug=event.slug)
    entry.add("url", page)
    entry.add("description", page)
    cancelled = method == Method.CANCEL
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    entry.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    name, address = organiser(event)
    organiser_address = vCalAddress(f"mailto:{address}")
    if name:
        organiser_address.params["CN"] = name
    entry.add("organizer", organiser_address, encode=False)
    if method != Method.PUBLISH:  # RFC 5546: a published entry names no attendees.
        # The address the mail went to: an international domain in its ASCII form.
        attendee = vCalAddress(
            f"mailto:{mail_address(registration.name, registration.email).addr_spec}"
        )
        attendee.params["CN"] = one_line(registration.name)
        attendee.params["CUTYPE"] = "INDIVIDUAL"
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        # Accepted and no RSVP, so calendars do not mail a reply back.
        attendee.params["PARTSTAT"] = "ACCEPTED"
        attendee.params["RSVP"] = "FALSE"
        entry.add("attendee", attendee, encode=False)
    calendar.add_component(entry)
    return calendar.to_ical(sorted=False)


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event: Event, language: str) -> str:
    """Return a link that opens the event in Google Calendar's "add" form."""
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title(language),
            "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
            "details": external_url("events.detail", slug=event.slug),
            "location": event_location(event),
        }
    )
    return "https://calendar.google.com/calendar/render?" + query


def outlook_calendar_url(event: Event, language: str) -> str:
    """Return a link that opens the event in Outlook on the web's "add" form."""
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": event.title(language),
            "startdt": event.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "enddt": event.ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "body": external_url("events.detail", slug=event.slug),
            "location": event_location(event),
        }
    )
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + query
