"""A guest registers in Dutch on a phone and cancels through the manage link."""

import email
import email.policy
import re

import pytest
from browser_helpers import watch_csp, watch_errors
from mail_helpers import deliver
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration.models import Registration, RegistrationStatus

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def manage_path(raw: bytes) -> str:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/r/[A-Za-z0-9_\-]+)", text).group(1)


def test_register_in_dutch_on_a_phone_and_cancel(browser, live_server, make_event, app):
    event = make_event(capacity=1, title_nl="10 jaar Techport")
    context = browser.new_context(locale="nl-NL", **PHONE)
    page = context.new_page()
    csp = watch_csp(page)
    errors = watch_errors(page)

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="10 jaar Techport").click()
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_label("Naam").fill("Zoë de Vries")
    page.get_by_label("E-mailadres").fill("zoe@example.org")
    page.get_by_label("Organisatie (bedrijf of school)").fill("Tata Steel")
    page.get_by_role("radio", name="Ja").check()
    page.get_by_label(re.compile("Ik ga ermee akkoord")).check()
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("heading", name="Je bent aangemeld, Zoë de Vries!").wait_for()

    deliver(app)  # as the worker does: render the mail and keep it in the mailbox
    raw = db.session.scalar(select(OutboxMessage.raw).order_by(OutboxMessage.id.desc()))
    db.session.commit()  # end the read: on SQLite an open transaction would hold up the server

    # The local mailbox shows the mail in a frame, QR image included, under its own policy.
    page.goto(f"{live_server}/dev/mailbox")
    page.locator(".mailbox-list a").first.click()
    qr = page.frame_locator(".mail-frame").locator("img").first
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")

    page.goto(live_server + manage_path(raw))
    page.get_by_text("Je bent aangemeld.").wait_for()
    page.get_by_role("link", name="Aanmelding annuleren").click()
    page.get_by_role("button", name="Ja, annuleer mijn aanmelding").click()
    page.get_by_text("Deze aanmelding is geannuleerd.").first.wait_for()

    page.goto(f"{live_server}/events/{event.slug}")
    page.get_by_text("nog 1 plaats vrij").wait_for()
    context.close()

    db.session.expire_all()
    registration = db.session.scalar(select(Registration))
    assert registration.status == RegistrationStatus.CANCELLED
    assert errors == []
    assert csp == []
