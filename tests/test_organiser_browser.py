"""An organiser logs in, creates and publishes an event, and finds it on the public list."""

import pytest
from backoffice import PASSWORD, make_user
from browser_helpers import watch_csp, watch_errors
from sqlalchemy import select

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.events.models import Event, EventStatus

pytestmark = pytest.mark.browser


def test_log_in_create_publish_and_find_it(browser, live_server, app):
    make_user(Role.ORGANISER, "org@example.org")
    db.session.rollback()  # leave the SQLite file unlocked for the server thread
    context = browser.new_context(locale="en-GB", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    csp = watch_csp(page)
    problems = watch_errors(page, failing_status=500)

    page.goto(f"{live_server}/language/en?next=/organiser/")
    page.get_by_label("Email address").fill("org@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your events").wait_for()

    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title (Dutch)").fill("Open dag Techport")
    page.get_by_label("Title (English)").fill("Techport open day")
    page.get_by_label("Venue").fill("Techport Centre")
    page.get_by_label("Starts").fill("2031-03-14T10:00")
    page.get_by_label("Ends").fill("2031-03-14T16:00")
    page.get_by_label("Capacity").fill("120")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("saved as a draft").wait_for()

    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Kind of answer").select_option("yes_no")
    page.get_by_label("Question (Dutch)").fill("Kom je met de fiets?")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Question added.").wait_for()

    page.get_by_role("button", name="Publish").click()
    page.get_by_text("The event is published.").wait_for()
    page.goto(f"{live_server}/organiser/events/open-dag-techport/dashboard")
    page.get_by_role("heading", name="By organisation").wait_for()

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Techport open day").click()
    page.get_by_text("Techport Centre").first.wait_for()
    context.close()

    db.session.expire_all()
    event = db.session.scalar(select(Event).where(Event.slug == "open-dag-techport"))
    assert event.status == EventStatus.PUBLISHED
    assert [q.label_nl for q in event.questions] == ["Kom je met de fiets?"]
    assert problems == []
    assert csp == []
