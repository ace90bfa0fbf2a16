"""Details of the real ticket mail, as the SMTP server receives it: who replies, which
language, the related part's type and the calendar's organiser and attendee."""

import pytest
from icalendar import Calendar
from mail_helpers import deliver, parts_by_type

from eventdesk.db import db
from eventdesk.registration import service


@pytest.fixture
def app_config(app_config, smtp):
    app_config["SMTP_URL"] = smtp.url
    return app_config


def test_ticket_mail_names_the_organiser_and_its_language(app, smtp, make_event, now):
    event = make_event(organiser_name="Marieke Bakker",
                       organiser_email="marieke@techport.example.org")
    service.register(event, name="Ĳsbrand", email="ijsbrand@例え.jp", language="nl", now=now)
    db.session.commit()
    deliver(app)

    message = smtp.received[0].message
    assert message["Reply-To"].addresses[0].addr_spec == "marieke@techport.example.org"
    assert message["Reply-To"].addresses[0].display_name == "Marieke Bakker"
    assert message["Content-Language"] == "nl"
    related = next(part for part in message.walk()
                   if part.get_content_type() == "multipart/related")
    assert related.get_param("type") == "text/html"
    calendar = Calendar.from_ical(parts_by_type(message)["text/calendar"][0].get_content())
    entry = calendar.walk("VEVENT")[0]
    assert str(entry["ORGANIZER"]) == "mailto:marieke@techport.example.org"
    assert entry["ORGANIZER"].params["CN"] == "Marieke Bakker"
    assert str(entry["ATTENDEE"]) == "mailto:ijsbrand@xn--r8jz45g.jp"
    assert smtp.received[0].rcpt_tos == ["ijsbrand@xn--r8jz45g.jp"]


def test_without_an_organiser_address_there_is_no_reply_to(app, smtp, make_event, now):
    event = make_event(organiser_email="")
    service.register(event, name="Zoë", email="zoe@example.org", language="en", now=now)
    db.session.commit()
    deliver(app)

    message = smtp.received[0].message
    assert message["Reply-To"] is None
    assert message["Content-Language"] == "en"


def test_invitations_fold_to_say_their_language_and_offer_one_click_unsubscribe(
    app, smtp, make_event, now
):
    from eventdesk.invitations import service as invitations
    from eventdesk.invitations.sending import send_invitations
    from eventdesk.messages import service as messages

    event = make_event(organiser_name="Marieke Bakker",
                       organiser_email="marieke@techport.example.org")
    long_name = "Zoë" + " van der Long-Name" * 6
    invitations.add_invitee(event, name=long_name, email="zoe@example.org", language="en",
                            extra_guests=0, now=now)
    invitations.add_invitee(event, name="Jan", email="jan@example.org", language="nl",
                            extra_guests=0, now=now)
    messages.opt_out(event, "jan@example.org", now=now)
    db.session.commit()
    send_invitations(event, now=now)
    db.session.commit()
    deliver(app)

    assert [item.rcpt_tos for item in smtp.received] == [["zoe@example.org"]]
    message = smtp.received[0].message
    raw = smtp.received[0].data
    to_lines = raw.split(b"\r\nTo: ", 1)[1].split(b"\r\n")
    assert len(to_lines[0]) <= 78 and to_lines[1].startswith(b" ")  # folded
    assert message["To"].addresses[0].display_name == long_name
    assert message["Content-Language"] == "en"
    assert message["Reply-To"].addresses[0].addr_spec == "marieke@techport.example.org"
    assert message["List-Unsubscribe"].startswith("<http://eventdesk.test/messages/opt-out/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def _calendars(message):
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def test_the_change_mail_says_what_changed(app, smtp, make_event, now):
    from datetime import timedelta

    from eventdesk.registration import notify

    event = make_event(title_en="Jubilee")
    service.register(event, name="Zoë", email="zoe@example.org", language="en", now=now)
    db.session.commit()
    event.starts_at += timedelta(hours=2)
    event.ends_at += timedelta(hours=2)
    event.venue = "Pier 7"
    notify.event_changed(event, changed=frozenset({"starts_at", "ends_at", "venue"}))
    db.session.commit()
    deliver(app)

    text = smtp.received[-1].message.get_body(("plain",)).get_content()
    assert "New time:" in text and "New place: Pier 7, Kanaalstraat 1" in text
    assert "New name" not in text


def test_renaming_yourself_sends_an_updated_invite(app, client, smtp, make_event, now):
    event = make_event()
    outcome = service.register(event, name="Zoe", email="zoe@example.org", language="en",
                               now=now)
    db.session.commit()
    registration = outcome.registration
    deliver(app)
    first = Calendar.from_ical(_calendars(smtp.received[0].message)[0].get_content())

    client.post(f"/r/{registration.manage_token}", data={
        "name": "Zoë de Vries", "organisation": "",
        f"q_{event.questions[0].id}": "yes",
    })
    deliver(app)

    assert len(smtp.received) == 2
    entry = Calendar.from_ical(_calendars(smtp.received[1].message)[0].get_content())
    old, new = first.walk("VEVENT")[0], entry.walk("VEVENT")[0]
    assert new["UID"] == old["UID"] and int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert new["ATTENDEE"].params["CN"] == "Zoë de Vries"
    # Saving the same name again sends nothing.
    client.post(f"/r/{registration.manage_token}", data={
        "name": "Zoë de Vries", "organisation": "Tata Steel",
        f"q_{event.questions[0].id}": "yes",
    })
    deliver(app)
    assert len(smtp.received) == 2


def test_a_plus_one_without_address_adds_no_second_calendar_entry(app, smtp, make_event, now):
    from eventdesk.invitations import rsvp
    from eventdesk.invitations import service as invitations

    event = make_event()
    invitee = invitations.add_invitee(event, name="Host", email="host@example.org",
                                      language="en", extra_guests=2, now=now)
    db.session.commit()
    rsvp.accept(invitee, name="Host", organisation="", answers={
        str(event.questions[0].id): "yes"}, companions=[
        rsvp.Companion(name="Plus One"), rsvp.Companion(name="Own", email="own@example.org")
    ], now=now)
    db.session.commit()
    deliver(app)

    to_host = [item.message for item in smtp.received if item.rcpt_tos == ["host@example.org"]]
    with_invite = [message for message in to_host if _calendars(message)]
    assert len(to_host) == 2 and len(with_invite) == 1  # the host's own ticket only
    to_own = [item.message for item in smtp.received if item.rcpt_tos == ["own@example.org"]]
    assert len(to_own) == 1 and _calendars(to_own[0])


def test_ticket_mail_html_has_text_beside_the_qr(app, smtp, make_event, now):
    import re

    event = make_event(organiser_name="Marieke Bakker", organiser_email="m@example.org")
    service.register(event, name="Zoë de Vries", email="zoe@example.org", language="en",
                     now=now)
    db.session.commit()
    deliver(app)

    html = smtp.received[0].message.get_body(("html",)).get_content()
    visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(
        r"(?s)<(style|title)[^>]*>.*?</\1>", "", html)))
    assert html.count("<img") == 1
    assert "in the name of Zoë de Vries" in visible
    assert "A fine event." in visible  # the event's own description
    assert "goes to the organiser, Marieke Bakker" in visible
    # The mail read 491 characters beside the QR before; spam filters weigh text
    # against image area, so it now carries what a guest wants to know.
    assert len(visible) > 900
