"""The invite as a whole icalendar build writes it, byte for byte."""

from datetime import UTC, timedelta

import pytest
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from eventdesk.links import external_url
from eventdesk.mail.address import mail_address
from eventdesk.registration.models import Registration
from eventdesk.tickets.calendar import (
    Method,
    build_invite,
    calendar_uid,
    event_location,
    one_line,
)
from eventdesk.tickets.calendar import organiser as organiser_of


def whole_invite(registration, *, method, now):
    """Build the invite in one piece with icalendar, every property in order."""
    event = registration.event
    calendar = Calendar()
    calendar.add("prodid", "-//eventdesk//eventdesk//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)
    entry = CalendarEvent()
    entry.add("uid", calendar_uid(registration))
    entry.add("sequence", registration.calendar_sequence)
    entry.add("dtstamp", now.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", one_line(event.title(registration.language)))
    if event_location(event):
        entry.add("location", event_location(event))
    page = external_url("events.detail", slug=event.slug)
    entry.add("url", page)
    entry.add("description", page)
    cancelled = method == Method.CANCEL
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    entry.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    name, address = organiser_of(event)
    organiser = vCalAddress(f"mailto:{address}")
    organiser.params["CN"] = name
    entry.add("organizer", organiser, encode=False)
    if method != Method.PUBLISH:
        # The ASCII form the mail is sent to: "ijsbrand@xn--r8jz45g.jp".
        attendee = vCalAddress(
            f"mailto:{mail_address('', registration.email).addr_spec}"
        )
        attendee.params["CN"] = one_line(registration.name)
        attendee.params["CUTYPE"] = "INDIVIDUAL"
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "ACCEPTED"
        attendee.params["RSVP"] = "FALSE"
        entry.add("attendee", attendee, encode=False)
    calendar.add_component(entry)
    return calendar.to_ical(sorted=False)


GUESTS = [
    ("Zoë de Vries", "zoe@example.org"),
    ("Jan \"Jantje\" Jansen; sr., BEGIN:VEVENT", "o'brien+tag@example.org"),
    ("Ĳsbrand van " + "Ĳmuiden-Velsen " * 8, "ijsbrand@例え.jp"),
    ("line\r\nATTENDEE:mailto:evil@example.org", "x@example.org"),
]


@pytest.mark.parametrize("method", list(Method))
def test_invite_equals_the_whole_icalendar_build(app, make_event, now, method):
    events = [
        make_event(),
        make_event(
            title_en="Techport turns 10: talks, dinner; music, and " + "more " * 20,
            title_nl="10 jaar Techport ✓",
            venue="",
            address="Kanaalstraat 1, 1976 BA IJmuiden\r\nEND:VEVENT",
        ),
    ]
    for event in events:
        for number, (name, email) in enumerate(GUESTS):
            registration = Registration(
                event=event, name=name, email=email, language=("nl", "en")[number % 2],
                uid=f"{number:032x}", calendar_sequence=number,
            )
            stamp = now + timedelta(seconds=number)
            expected = whole_invite(registration, method=method, now=stamp)
            assert build_invite(registration, method=method, now=stamp) == expected


def test_invite_follows_a_changed_event(app, make_event, now):
    event = make_event()
    registration = Registration(
        event=event, name="Zoë", email="zoe@example.org", language="en", uid="1" * 32,
        calendar_sequence=0,
    )
    before = build_invite(registration, now=now)
    event.title_en = "Moved to the harbour"
    event.starts_at += timedelta(hours=2)
    after = build_invite(registration, now=now)
    assert b"SUMMARY:Moved to the harbour\r\n" in after and b"harbour" not in before
    assert after == whole_invite(registration, method=Method.REQUEST, now=now)
