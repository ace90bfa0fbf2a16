"""The development mailbox: the real mail, readable without an SMTP server."""

import io
import re

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from eventdesk import create_app
from eventdesk.db import db
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.registration import service
from eventdesk.worker import worker_command


def register(event, now):
    outcome = service.register(event, name="Zoë", email="zoe@example.org", now=now)
    db.session.commit()
    return outcome.registration


def test_worker_keeps_mail_local_and_the_mailbox_shows_it(app, client, make_event, now):
    event = make_event()
    registration = register(event, now)

    result = app.test_cli_runner().invoke(worker_command, ["--once"])
    assert result.exit_code == 0, result.output
    assert "Sent 1" in result.output
    item = db.session.scalar(select(OutboxMessage))
    db.session.refresh(item)
    assert item.status == OutboxStatus.SENT

    listing = client.get("/dev/mailbox").get_data(as_text=True)
    assert item.subject in listing and "zoe@example.org" in listing
    page = client.get(f"/dev/mailbox/{item.id}")
    assert page.status_code == 200
    page = page.get_data(as_text=True)
    assert registration.ticket_code in page

    html = client.get(f"/dev/mailbox/{item.id}/html")
    assert "sandbox" in html.headers["Content-Security-Policy"]
    body = html.get_data(as_text=True)
    assert "cid:" not in body
    [image_url] = re.findall(r'src="(/dev/mailbox/\d+/cid/[^"]+)"', body)
    image = client.get(image_url)
    assert image.mimetype == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    assert decoded[0].text == registration.ticket_code

    raw = client.get(f"/dev/mailbox/{item.id}.eml")
    assert raw.data == item.raw
    [invite_url] = re.findall(r'href="(/dev/mailbox/\d+/part/\d+)">invite.ics<', page)
    invite = client.get(invite_url)
    assert invite.data.startswith(b"BEGIN:VCALENDAR")
    assert "invite.ics" in invite.headers["Content-Disposition"]
    assert client.get(f"/dev/mailbox/{item.id}/part/99").status_code == 404


@pytest.mark.parametrize(
    "config",
    [
        {"SMTP_URL": "smtp://127.0.0.1:1"},
        {"TESTING": False, "SECRET_KEY": "a-long-and-random-production-secret"},
    ],
)
def test_no_mailbox_with_smtp_or_in_production(app_config, config):
    production = create_app({**app_config, **config})
    assert production.test_client().get("/dev/mailbox").status_code == 404


def test_worker_refuses_to_run_without_smtp_in_production(app_config):
    production = create_app(
        {**app_config, "TESTING": False, "SECRET_KEY": "a-long-and-random-production-secret"}
    )
    result = production.test_cli_runner().invoke(worker_command, ["--once"])
    assert result.exit_code != 0
    assert "EVENTDESK_SMTP_URL" in result.output
