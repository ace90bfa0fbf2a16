"""The guest's ticket on the web: manage page, QR image, printable ticket, .ics, reissue."""

import io

import pytest
import zxingcpp
from flask import current_app
from icalendar import Calendar
from mail_helpers import deliver
from PIL import Image
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.registration import service
from eventdesk.tickets.service import NoTicket, reissue_ticket, resend_ticket, resend_tickets


def register(event, now, email="zoe@example.org", **kwargs):
    outcome = service.register(event, name="Zoë de Vries", email=email, now=now, **kwargs)
    db.session.commit()
    return outcome.registration


def decode_png(data: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def outbox_kinds() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def test_manage_page_shows_the_ticket_and_calendar_links(client, make_event, now):
    event = make_event()
    registration = register(event, now)
    token = registration.manage_token

    page = client.get(f"/r/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert f'src="/r/{token}/qr.png"' in page
    assert registration.ticket_code in page
    assert f'href="/r/{token}/ticket"' in page
    assert f'href="/r/{token}/invite.ics"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "https://outlook.office.com/calendar/0/deeplink/compose?" in page
    assert f'action="/r/{token}/reissue"' in page

    image = client.get(f"/r/{token}/qr.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert "no-store" in image.headers["Cache-Control"]
    assert decode_png(image.data) == [registration.ticket_code]


def test_printable_ticket_and_ics_download(client, make_event, now):
    event = make_event()
    registration = register(event, now)
    token = registration.manage_token

    ticket = client.get(f"/r/{token}/ticket")
    assert ticket.status_code == 200
    html = ticket.get_data(as_text=True)
    assert "Zoë de Vries" in html and registration.ticket_code in html
    assert event.title_nl in html

    download = client.get(f"/r/{token}/invite.ics")
    assert download.status_code == 200 and download.mimetype == "text/calendar"
    assert "attachment" in download.headers["Content-Disposition"]
    calendar = Calendar.from_ical(download.data)
    entry = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(entry["UID"]) == f"{registration.uid}@eventdesk"
    assert registration.ticket_code.encode() not in download.data


def test_no_ticket_pages_without_a_confirmed_ticket(client, make_event, now):
    event = make_event(capacity=1)
    register(event, now)
    waiting = register(event, now, email="waiting@example.org")
    token = waiting.manage_token

    for path in ("qr.png", "ticket", "invite.ics"):
        assert client.get(f"/r/{token}/{path}").status_code == 404
    assert client.get("/r/not-a-token/qr.png").status_code == 404
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "qr.png" not in page


def test_guest_reissues_the_ticket(client, make_event, now):
    event = make_event()
    registration = register(event, now)
    old_code = registration.ticket_code
    token = registration.manage_token

    response = client.post(f"/r/{token}/reissue")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/r/{token}")

    db.session.expire_all()
    assert registration.ticket_code != old_code
    assert old_code not in client.get(f"/r/{token}").get_data(as_text=True)
    assert decode_png(client.get(f"/r/{token}/qr.png").data) == [registration.ticket_code]
    assert outbox_kinds() == ["confirmed", "reissued"]
    deliver(current_app)
    reissued = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert reissued.status == OutboxStatus.SENT
    assert registration.ticket_code.encode() in reissued.raw
    assert client.get(f"/r/{token}/reissue").status_code == 405


def test_reissue_needs_a_confirmed_registration(make_event, now):
    event = make_event(capacity=1)
    register(event, now)
    waiting = register(event, now, email="waiting@example.org")
    with pytest.raises(NoTicket):
        reissue_ticket(waiting)


def test_reissue_needs_csrf(app, client, make_event, now):
    app.config["WTF_CSRF_ENABLED"] = True
    event = make_event()
    registration = register(event, now)
    response = client.post(f"/r/{registration.manage_token}/reissue")
    assert response.status_code == 400
    db.session.expire_all()
    assert outbox_kinds() == ["confirmed"]


def test_resend_tickets_service_and_command(app, make_event, now):
    from eventdesk.tickets.commands import resend_tickets_command

    event = make_event(capacity=2)
    register(event, now, email="a@example.org")
    register(event, now, email="b@example.org")
    register(event, now, email="waiting@example.org")

    assert resend_tickets(event) == 2
    db.session.commit()
    result = app.test_cli_runner().invoke(resend_tickets_command, [event.slug])
    assert result.exit_code == 0, result.output
    assert "Queued 2" in result.output
    assert outbox_kinds().count("resent") == 4

    missing = app.test_cli_runner().invoke(resend_tickets_command, ["no-such-event"])
    assert missing.exit_code != 0

    waiting = db.session.scalar(
        select(service.Registration).where(service.Registration.email == "waiting@example.org")
    )
    with pytest.raises(NoTicket):
        resend_ticket(waiting)
