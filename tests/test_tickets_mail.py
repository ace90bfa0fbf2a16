"""The guest mails as a real SMTP server receives them: MIME shape, QR, calendar."""

import io
from datetime import UTC, timedelta

import pytest
import zxingcpp
from icalendar import Calendar
from mail_helpers import deliver, parts_by_type
from PIL import Image
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.events.models import EventStatus
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration import notify, service


@pytest.fixture
def app_config(app_config, smtp):
    app_config["SMTP_URL"] = smtp.url
    return app_config



def register(event, now, email="zoe@example.org", **kwargs):
    kwargs.setdefault("name", "Zoë de Vries")
    outcome = service.register(event, email=email, now=now, **kwargs)
    db.session.commit()
    return outcome.registration


def calendar_of(message):
    part = parts_by_type(message)["text/calendar"][0]
    calendar = Calendar.from_ical(part.get_content())
    return part, calendar, calendar.walk("VEVENT")[0]


def test_confirmation_mail_shape_qr_and_invite(app, smtp, make_event, now):
    event = make_event()
    registration = register(event, now, language="en")
    deliver(app)

    assert len(smtp.received) == 1
    received = smtp.received[0]
    assert received.rcpt_tos == ["zoe@example.org"]
    assert received.mail_from == "events@techport.example.org"
    message = received.message
    assert message.get_content_type() == "multipart/mixed"
    alternative = message.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain",
        "multipart/related",
        "text/calendar",
    ]
    related = alternative.get_payload()[1]
    html_part, inline = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    cid = inline["Content-ID"].strip("<>")
    html = html_part.get_content()
    assert f'src="cid:{cid}"' in html
    assert "data:" not in html

    code = registration.ticket_code
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(inline.get_content())))
    assert [result.text for result in decoded] == [code]
    text = alternative.get_payload()[0].get_content()
    assert code in text and code in html
    manage = f"http://eventdesk.test/r/{registration.manage_token}"
    assert manage in text and manage in html

    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {"ticket.png", "invite.ics"}
    assert attachments["ticket.png"].get_content() == inline.get_content()

    part, calendar, entry = calendar_of(message)
    assert part.get_param("method") == str(calendar["METHOD"]) == "REQUEST"
    assert attachments["invite.ics"].get_content().replace(b"\r\n", b"\n") == part.get_content(
    ).encode().replace(b"\r\n", b"\n")
    assert str(entry["UID"]) == f"{registration.uid}@eventdesk"
    assert int(entry["SEQUENCE"]) == 0
    assert entry.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert entry.decoded("DTSTART").utcoffset() == timedelta(0)
    raw_calendar = part.get_content()
    assert "DTSTART:" + event.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in raw_calendar
    assert "VTIMEZONE" not in raw_calendar
    assert entry.decoded("DTEND") == event.ends_at.replace(microsecond=0)
    assert str(entry["ORGANIZER"]) == "mailto:events@techport.example.org"
    attendee = entry["ATTENDEE"]
    assert str(attendee) == "mailto:zoe@example.org"
    assert attendee.params["PARTSTAT"] == "ACCEPTED" and attendee.params["RSVP"] == "FALSE"
    assert "Kanaalstraat 1" in str(entry["LOCATION"])
    assert str(entry["URL"]) == f"http://eventdesk.test/events/{event.slug}"
    assert code not in raw_calendar
    assert registration.manage_token not in raw_calendar
    assert message["Subject"] == f"Your ticket for {event.title_en}"


def test_update_keeps_uid_raises_sequence_and_moves_the_start(app, smtp, make_event, now):
    event = make_event()
    registration = register(event, now)
    deliver(app)
    _, _, first = calendar_of(smtp.received[0].message)

    event.starts_at = event.starts_at + timedelta(hours=2)
    event.ends_at = event.ends_at + timedelta(hours=2)
    assert notify.event_changed(event) == 1
    db.session.commit()
    deliver(app)

    assert len(smtp.received) == 2
    part, calendar, update = calendar_of(smtp.received[1].message)
    assert part.get_param("method") == str(calendar["METHOD"]) == "REQUEST"
    assert update["UID"] == first["UID"]
    assert int(update["SEQUENCE"]) > int(first["SEQUENCE"])
    assert update.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert registration.calendar_sequence == int(update["SEQUENCE"])


def test_event_cancelled_sends_cancel_to_confirmed_and_notice_to_waiting(
    app, smtp, make_event, now
):
    event = make_event(capacity=1)
    confirmed = register(event, now)
    register(event, now, email="waiting@example.org")
    deliver(app)
    _, _, first = calendar_of(smtp.received[0].message)

    event.status = EventStatus.CANCELLED
    assert notify.event_cancelled(event) == 2
    db.session.commit()
    deliver(app)

    by_rcpt = {item.rcpt_tos[0]: item.message for item in smtp.received[2:]}
    part, calendar, cancel = calendar_of(by_rcpt["zoe@example.org"])
    assert part.get_param("method") == str(calendar["METHOD"]) == "CANCEL"
    assert str(cancel["STATUS"]) == "CANCELLED"
    assert cancel["UID"] == first["UID"]
    assert int(cancel["SEQUENCE"]) > int(first["SEQUENCE"])
    assert confirmed.calendar_sequence == int(cancel["SEQUENCE"])
    assert "text/calendar" not in parts_by_type(by_rcpt["waiting@example.org"])


def test_registration_cancelled_sends_cancel(app, smtp, make_event, now):
    event = make_event()
    registration = register(event, now)
    deliver(app)  # the ticket went out before the guest cancelled
    service.cancel_registration(registration, now=now)
    db.session.commit()
    deliver(app)

    assert len(smtp.received) == 2
    part, calendar, cancel = calendar_of(smtp.received[1].message)
    assert part.get_param("method") == str(calendar["METHOD"]) == "CANCEL"
    assert int(cancel["SEQUENCE"]) == 1


def test_waitlisted_mail_has_no_ticket_and_promotion_brings_it(app, smtp, make_event, now):
    event = make_event(capacity=1)
    first = register(event, now)
    waiting = register(event, now, email="waiting@example.org", language="en")
    deliver(app)
    types = parts_by_type(smtp.received[1].message)
    assert "image/png" not in types and "text/calendar" not in types
    assert "waiting list" in smtp.received[1].message["Subject"]

    service.cancel_registration(first, now=now)
    db.session.commit()
    deliver(app)
    promoted = [item.message for item in smtp.received if item.rcpt_tos == ["waiting@example.org"]]
    assert len(promoted) == 2
    inline = parts_by_type(promoted[1])["image/png"][0]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(inline.get_content())))
    assert decoded[0].text == waiting.ticket_code


def test_mail_speaks_the_guest_language(app, smtp, make_event, now):
    event = make_event()
    register(event, now, email="nl@example.org", language="nl")
    register(event, now, email="en@example.org", language="en")
    deliver(app)
    by_rcpt = {item.rcpt_tos[0]: item.message for item in smtp.received}
    assert event.title_nl in by_rcpt["nl@example.org"]["Subject"]
    assert event.title_en in by_rcpt["en@example.org"]["Subject"]
    dutch = by_rcpt["nl@example.org"].get_body(("plain",)).get_content()
    english = by_rcpt["en@example.org"].get_body(("plain",)).get_content()
    weekday_nl = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    assert any(day in dutch for day in weekday_nl)
    assert not any(day in english for day in weekday_nl)


@pytest.mark.parametrize(
    ("name", "address", "envelope"),
    [
        ("Jan Jansen", "jan+techport@example.org", "jan+techport@example.org"),
        ('Jan "de Man" Jansen', "jan@example.org", "jan@example.org"),
        ("Zoë", "zoe@bücher.example", "zoe@xn--bcher-kva.example"),
        ("Zoë", "zoë@example.org", "zoë@example.org"),
    ],
)
def test_unusual_addresses_are_delivered(app, smtp, make_event, now, name, address, envelope):
    event = make_event()
    register(event, now, name=name, email=address)
    deliver(app)

    assert len(smtp.received) == 1
    received = smtp.received[0]
    assert received.rcpt_tos == [envelope]
    to = received.message["To"].addresses[0]
    assert to.display_name == name
    assert to.addr_spec == envelope
    assert received.smtputf8 == (not envelope.isascii())
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def test_line_breaks_in_a_name_cannot_add_headers(app, smtp, make_event, now):
    event = make_event()
    register(event, now, name="Eve\r\nBcc: victim@example.org\r\nX-Evil: 1")
    deliver(app)

    received = smtp.received[0]
    message = received.message
    assert received.rcpt_tos == ["zoe@example.org"]
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert len(message["To"].addresses) == 1
    assert message["To"].addresses[0].addr_spec == "zoe@example.org"
    _, _, entry = calendar_of(message)
    assert "\n" not in entry["ATTENDEE"].params["CN"]


def test_qr_matrix_is_the_one_qrcode_chooses():
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    from eventdesk.registration.codes import new_ticket_code
    from eventdesk.tickets.qr import qr_matrix

    samples = [new_ticket_code() for _ in range(40)] + ["x", "https://example.org/" + "y" * 200]
    for data in samples:
        reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
        reference.add_data(data)
        reference.make(fit=True)
        assert qr_matrix(data) == reference.get_matrix(), data
