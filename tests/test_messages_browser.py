"""An organiser writes a message, previews it as a chosen guest and sends it, in a browser."""

import os

import pytest
from backoffice import PASSWORD, add_guest, make_user
from browser_helpers import watch_csp, watch_errors
from sqlalchemy import func, select

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.messages.models import GuestMessage

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("EVENTDESK_SCREENSHOTS")  # a folder to keep the screenshots in


@pytest.mark.parametrize("language", ["en", "nl"])
def test_compose_preview_and_send(browser, live_server, app, make_event, language):
    event = make_event()
    add_guest(event, "Ada Lovelace", "ada@example.org", organisation="Acme")
    bob = add_guest(event, "Bob Jansen", "bob@example.org", organisation="Acme")
    bob.language = "en"
    add_guest(event, "Cas", "cas@example.org", organisation="Other")
    make_user(Role.ORGANISER, "org@example.org")
    db.session.commit()
    slug, bob_id = event.slug, bob.id
    db.session.rollback()  # leave the SQLite file unlocked for the server thread
    context = browser.new_context(locale="en-GB", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    csp = watch_csp(page)
    problems = watch_errors(page, failing_status=500)

    page.goto(f"{live_server}/language/{language}?next=/login")
    page.locator("input[name=email]").fill("org@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/organiser/events/{slug}/messages/new")
    page.locator("#organisation").fill("acme")
    page.locator("#subject_nl").fill("Nieuwe zaal voor {name}")
    page.locator("#body_nl").fill("Beste {name},\n\nWe zitten in **zaal 2**. <script>x()</script>"
                                  "\n\n[Je aanmelding]({manage_link})")
    page.locator("#subject_en").fill("A new room for {name}")
    page.locator("#body_en").fill("Dear {name},\n\nWe are in **room 2**.\n\n"
                                  "[Your registration]({manage_link})")
    page.locator(".compose-form button[value=preview]").click()
    page.locator("[data-recipients='2']").wait_for()
    page.locator("#preview_guest").select_option(str(bob_id))
    page.locator(".compose-preview button[value=preview]").click()
    page.locator(".mail-preview", has_text="Dear Bob Jansen").wait_for()
    assert page.locator(".mail-preview strong", has_text="room 2").count() == 1
    assert page.locator(".mail-preview script").count() == 0
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"compose-{language}.png"))
        page.screenshot(path=os.path.join(SHOTS, f"compose-{language}-full.png"), full_page=True)
    page.locator("button[value=send]").click()
    page.locator("[data-batch]").first.wait_for()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"overview-{language}.png"))
    context.close()

    assert problems == [] and csp == []
    assert db.session.scalar(select(func.count()).select_from(GuestMessage)) == 2
