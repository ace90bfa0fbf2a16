"""The guest journey in Dutch at phone and tablet sizes: nothing wider than the screen,
the register button in view without scrolling, and screenshots to look at
(kept in $EVENTDESK_SCREENSHOTS when set)."""

import os
from pathlib import Path

import pytest
from backoffice import add_guest
from browser_helpers import watch_csp
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.events.models import Question, QuestionKind
from eventdesk.registration.models import Registration, RegistrationStatus

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "tablet": (1024, 768)}


@pytest.mark.parametrize("size", list(SIZES))
def test_guest_journey_fits_the_screen(browser, live_server, make_event, size, tmp_path):
    event = make_event(
        slug="jubileum", title_nl="10 jaar Techport", capacity=2,
        organiser_name="Marieke Bakker", organiser_email="marieke@techport.example.org",
        description_nl="Vier met ons **tien jaar Techport**: rondleidingen, demo's en een "
                       "borrel met de mensen die het mogelijk maakten.",
        questions=[Question(position=1, kind=QuestionKind.YES_NO, label_nl="Blijf je eten?",
                            label_en="Staying for dinner?", required=True),
                   Question(position=2, kind=QuestionKind.TEXT, label_nl="Dieetwensen",
                            label_en="Dietary needs")],
    )
    add_guest(event, "Ada Byron", "ada@example.org")
    db.session.commit()
    db.session.rollback()
    folder = Path(os.environ.get("EVENTDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    csp = watch_csp(page)
    too_wide: list[str] = []

    def shot(name: str) -> None:
        page.screenshot(path=str(folder / f"{size}-{name}.png"), full_page=True)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            too_wide.append(name)

    page.goto(f"{live_server}/language/nl?next=/events/jubileum")
    register = page.locator(".register-jump a")
    box = register.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, "register button below the fold"
    shot("1-event")
    page.locator("#name").fill("Zoë de Vries")
    page.locator("#email").fill("zoe@example")
    page.locator("form[action*='/register'] button[type=submit]").click()
    page.locator("#form-errors").wait_for()
    # Fails with a timeout when focus does not land on the summary.
    page.wait_for_function("() => document.activeElement?.id === 'form-errors'")
    shot("2-errors")
    page.locator("#email").fill("zoe@example.org")
    page.locator("input[name=consent]").check()
    page.locator("input[type=radio][value=yes]").check()
    page.locator("form[action*='/register'] button[type=submit]").click()
    page.locator("[data-mailed-to]").wait_for()
    shot("3-registered")
    token = db.session.scalar(select(Registration.manage_token).where(
        Registration.email == "zoe@example.org"))
    db.session.rollback()  # leave the SQLite file unlocked for the server thread
    page.goto(f"{live_server}/r/{token}")
    shot("4-manage")
    page.goto(f"{live_server}/r/{token}/ticket")
    shot("5-ticket")
    page.goto(f"{live_server}/r/{token}/cancel")
    shot("6-cancel")
    page.locator("main form button[type=submit]").click()
    page.locator("[data-status=cancelled]").wait_for()
    shot("7-cancelled")
    page.goto(f"{live_server}/events/jubileum/privacy")
    shot("8-privacy")
    context.close()

    assert too_wide == []
    assert csp == []
    status = db.session.scalar(select(Registration.status).where(
        Registration.email == "zoe@example.org"))
    assert status == RegistrationStatus.CANCELLED
