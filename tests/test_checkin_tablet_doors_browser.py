"""Two tablets signed in with one door account, in Debian chromium: each names its own
door once ("Ingang 1", "Ingang 2"), checks a guest in there, and keeps its name across a
reload and a new login; the scan log and the organiser's attendee list name both doors."""

import re

import pytest
from browser_helpers import watch_csp, watch_errors
from checkin_helpers import event_today, guest
from sqlalchemy import select
from test_checkin_browser import CHROMIUM, FLAGS

from eventdesk.auth.models import Role, User
from eventdesk.checkin.models import Door, Scan
from eventdesk.db import db

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def account(email, role):
    user = User(email=email, name=email.split("@")[0].title(), role=role)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def log_in(page, base, slug, *, go=True):
    if go:
        page.goto(f"{base}/login?next=/events/{slug}/checkin")
    page.locator("#email").fill("deur@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/events/{slug}/checkin")


def scan(page, code):
    # Two tablets in one browser: fill the field itself, as keys go to the page in front.
    page.locator("#ci-code").fill(code)
    page.locator("#ci-code").press("Enter")
    green = page.locator("#ci-result.ci-ok")
    green.wait_for(timeout=10_000)
    return green


def test_two_tablets_of_one_account_name_their_doors(
    live_server, playwright_instance, app, make_event, now
):
    from test_checkin_browser import playwright as _needs_chromium  # noqa: F401

    event = event_today(make_event, now)
    zoe = guest(event, "zoe@example.org", now, name="Zoë de Vries")
    jan = guest(event, "jan@example.org", now, name="Jan Bakker")
    account("deur@example.org", Role.DOOR)
    account("admin@example.org", Role.ADMIN)
    slug, zoe_code, jan_code = event.slug, zoe.ticket_code, jan.ticket_code
    db.session.commit()  # the reads above opened a transaction; the server needs the database

    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    try:
        pages, problems = [], []
        for _tablet in range(2):
            context = browser.new_context(viewport={"width": 1024, "height": 768},
                                          locale="nl-NL")
            page = context.new_page()
            problems.append((watch_csp(page), watch_errors(page)))
            log_in(page, live_server, slug)
            pages.append(page)
        first, second = pages

        # The first visit asks the name, "Ingang 1" filled in, before any scan.
        for page in pages:
            page.locator("#ci-naming[open]").wait_for(timeout=10_000)
            assert page.locator("#ci-naming-name").input_value() == "Ingang 1"
            assert page.locator("#ci-naming-title").inner_text() == "Naam van deze ingang"
        first.locator("#ci-naming button[type=submit]").click()
        second.locator("#ci-naming-name").fill("Ingang 2")
        second.locator("#ci-naming button[type=submit]").click()
        for page, name in ((first, "Ingang 1"), (second, "Ingang 2")):
            page.locator("#ci-naming").wait_for(state="hidden", timeout=10_000)
            assert page.locator("#ci-door-name").inner_text() == f"Ingang: {name}"

        assert "Zoë de Vries" in scan(first, zoe_code).inner_text()
        assert "Jan Bakker" in scan(second, jan_code).inner_text()

        # A reload keeps the name without asking; so does a new login on the same tablet.
        first.reload()
        first.locator("#ci-door-name").filter(has_text="Ingang 1").wait_for(timeout=10_000)
        assert not first.locator("#ci-naming[open]").count()
        second.locator("form.ci-leave button").click()
        second.wait_for_url(re.compile(r"/login\?next="))  # the log-out leads to the login form
        log_in(second, live_server, slug, go=False)
        second.locator("#ci-door-name").filter(has_text="Ingang 2").wait_for(timeout=10_000)
        second.wait_for_timeout(500)
        assert not second.locator("#ci-naming[open]").count()
        second.locator("#ci-code").fill(zoe_code)
        second.locator("#ci-code").press("Enter")
        warn = second.locator("#ci-result.ci-warn")
        warn.wait_for(timeout=10_000)
        assert "Ingang 1" in warn.inner_text()  # where Zoë came in, asked at Ingang 2

        stored = first.evaluate(f"localStorage.getItem('eventdesk-door-name:{slug}')")
        assert stored == "Ingang 1"
        for csp, errors in problems:
            assert csp == [] and errors == []
    finally:
        browser.close()

    logged = db.session.execute(
        select(Door.name, Scan.status).join(Door, Door.id == Scan.door_id).order_by(Scan.id)
    ).all()
    assert [tuple(map(str, row)) for row in logged] == [
        ("Ingang 1", "ok"), ("Ingang 2", "ok"), ("Ingang 2", "error")
    ]
    organiser = app.test_client()
    organiser.post("/login", data={"email": "admin@example.org", "password": PASSWORD})
    listing = organiser.get(f"/organiser/events/{slug}/attendees")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert '<span class="muted small">Ingang 1</span>' in text
    assert '<span class="muted small">Ingang 2</span>' in text


def test_renaming_waits_for_the_offline_queue_and_the_door_works_offline_after(
    live_server, playwright_instance, app, make_event, now
):
    from test_checkin_browser import playwright as _needs_chromium  # noqa: F401
    from test_checkin_offline_browser import ready_offline

    event = event_today(make_event, now)
    zoe = guest(event, "zoe@example.org", now, name="Zoë de Vries")
    jan = guest(event, "jan@example.org", now, name="Jan Bakker")
    account("deur@example.org", Role.DOOR)
    slug, zoe_code, jan_code = event.slug, zoe.ticket_code, jan.ticket_code
    db.session.commit()

    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    try:
        context = browser.new_context(viewport={"width": 800, "height": 1280}, locale="en-GB")
        page = context.new_page()
        log_in(page, live_server, slug)
        page.locator("#ci-naming[open]").wait_for(timeout=10_000)
        assert page.locator("#ci-naming-name").input_value() == "Entrance 1"
        page.locator("#ci-naming button[type=submit]").click()
        page.locator("#ci-naming").wait_for(state="hidden", timeout=10_000)
        ready_offline(page, 2)

        context.set_offline(True)
        assert "offline" in scan(page, zoe_code).inner_text().lower()
        page.locator("#ci-queue").filter(has_text="1 check-in waiting").wait_for()
        page.locator("#ci-result").click()

        # Offline the name cannot change: the server must first have the queued check-in.
        page.locator("#ci-rename").click()
        page.locator("#ci-naming-name").fill("Entrance 2")
        page.locator("#ci-naming button[type=submit]").click()
        page.locator("#ci-naming-error").filter(has_text="No connection").wait_for()
        context.set_offline(False)
        page.locator("#ci-naming button[type=submit]").click()
        page.locator("#ci-naming").wait_for(state="hidden", timeout=10_000)
        assert page.locator("#ci-door-name").inner_text() == "Door: Entrance 2"
        assert page.locator("#ci-queue").is_hidden()

        # The new door has its own key: its snapshot is fetched again and decides offline.
        page.wait_for_timeout(2_500)
        ready_offline(page, 2)
        context.set_offline(True)
        assert "offline" in scan(page, jan_code).inner_text().lower()
        context.set_offline(False)
        page.locator("#ci-queue").wait_for(state="hidden", timeout=15_000)
    finally:
        browser.close()

    checked_in = db.session.execute(
        select(Door.name, Scan.status, Scan.registration_id)
        .join(Door, Door.id == Scan.door_id).order_by(Scan.id)
    ).all()
    assert [(str(name), status) for name, status, _id in checked_in] == [
        ("Entrance 1", "ok"), ("Entrance 2", "ok")
    ]
