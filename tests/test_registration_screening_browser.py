"""A guest on a phone registers with the bot defences on, and notices none of them."""

import re
import time

import pytest
from browser_helpers import watch_csp, watch_errors
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.registration.models import Registration, RegistrationStatus

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def app_config(app_config):
    # The shipped defaults, which conftest turns off for the rest of the suite.
    app_config.update(REGISTRATION_MIN_FILL_SECONDS=3, REGISTRATION_CONFIRM_AFTER=10)
    return app_config


def test_a_guest_on_a_phone_registers_without_noticing_anything(
    browser, live_server, make_event, app
):
    slug = make_event(capacity=10, title_nl="10 jaar Techport").slug
    db.session.commit()  # end the read: on SQLite an open transaction would hold up the server
    context = browser.new_context(locale="nl-NL", **PHONE)
    page = context.new_page()
    csp = watch_csp(page)
    errors = watch_errors(page)

    page.goto(f"{live_server}/events/{slug}")
    opened = time.monotonic()
    # The trap is neither seen, nor reached with the keyboard, nor read out.
    trap = page.locator("input[name=ref_code]")
    box = trap.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    assert trap.get_attribute("tabindex") == "-1"
    assert page.locator(".trap").get_attribute("aria-hidden") == "true"
    page.get_by_label("Naam").tap()
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") != "ref_code"

    # A guest typing at a person's pace (tapping each field, as on a phone).
    page.get_by_label("Naam").press_sequentially("Zoë de Vries", delay=110)
    page.get_by_label("E-mailadres").press_sequentially("zoe@example.org", delay=110)
    page.get_by_label("Organisatie (bedrijf of school)").press_sequentially("Tata", delay=110)
    page.get_by_role("radio", name="Ja").check()
    page.get_by_label(re.compile("Ik ga ermee akkoord")).check()
    assert time.monotonic() - opened >= 3
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("heading", name="Je bent aangemeld, Zoë de Vries!").wait_for()
    context.close()

    db.session.expire_all()
    registration = db.session.scalar(select(Registration))
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.ticket_code
    assert errors == []
    assert csp == []
