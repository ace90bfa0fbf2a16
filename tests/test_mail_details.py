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
