"""axe-core on every page a guest, a door volunteer and an organiser sees, in Dutch and
English, at phone and desktop sizes. Any violation fails the test and is listed."""

import pytest
from backoffice import PASSWORD, add_guest, make_user
from browser_helpers import watch_csp
from sqlalchemy import select

from eventdesk.auth.models import Role
from eventdesk.db import db, utcnow
from eventdesk.events.models import Question, QuestionKind
from eventdesk.invitations import service as invitations
from eventdesk.mail.optout import opt_out_token
from eventdesk.registration.confirm_links import confirmation_token
from eventdesk.registration.models import Registration, RegistrationStatus

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def site(make_event):
    """An event with every kind of question, guests in each state, and an organiser."""
    event = make_event(
        slug="jubileum", title_nl="10 jaar Techport", title_en="Techport turns 10",
        organiser_name="Marieke Bakker", organiser_email="marieke@example.org",
        questions=[
            Question(position=1, kind=QuestionKind.YES_NO, label_nl="Blijf je eten?",
                     label_en="Staying for dinner?", required=True),
            Question(position=2, kind=QuestionKind.TEXT, label_nl="Dieetwensen",
                     label_en="Dietary needs"),
        ],
    )
    add_guest(event, "Zoë de Vries", "zoe@example.org", organisation="Tata Steel",
              answers={str(event.questions[0].id): "yes"})
    add_guest(event, "Ada Byron", "ada@example.org", status=RegistrationStatus.WAITLISTED)
    add_guest(event, "Jan Jansen", "jan@example.org", status=RegistrationStatus.CANCELLED)
    add_guest(event, "Piet Pending", "piet@example.org", status=RegistrationStatus.PENDING)
    invitee = invitations.add_invitee(event, name="Ina", email="ina@example.org",
                                      language="nl", extra_guests=1, now=utcnow())
    db.session.commit()
    pending = db.session.scalars(
        select(Registration).where(Registration.email == "piet@example.org")).one()
    confirm = confirmation_token(pending)
    answer = invitee.token
    make_user(Role.ADMIN, "admin@example.org")
    tokens = {
        r.email: r.manage_token for r in db.session.scalars(select(Registration))
    }
    ids = {r.email: r.id for r in db.session.scalars(select(Registration))}
    question = event.questions[0].id
    optout = opt_out_token(event.id, "zoe@example.org")
    db.session.rollback()  # leave the SQLite file unlocked for the server thread
    guest_pages = [
        "/", "/events/jubileum", "/events/jubileum/privacy", "/privacy",
        f"/r/{tokens['zoe@example.org']}", f"/r/{tokens['zoe@example.org']}/cancel",
        f"/r/{tokens['zoe@example.org']}/ticket", f"/r/{tokens['ada@example.org']}",
        f"/r/{tokens['jan@example.org']}", "/events/jubileum/registered",
        "/events/jubileum/confirm-your-address", "/no-such-page", "/login",
        f"/messages/opt-out/{optout}", f"/confirm/{confirm}", f"/i/{answer}",
    ]
    base = "/organiser/events/jubileum"
    organiser_pages = [
        "/organiser/", "/organiser/events/new", f"{base}/edit", f"{base}/attendees",
        f"{base}/attendees/{ids['zoe@example.org']}", f"{base}/attendees/new",
        f"{base}/dashboard", f"{base}/doors", f"{base}/badges", f"{base}/invitations/",
        f"{base}/invitations/add", f"{base}/messages/", f"{base}/messages/new",
        f"{base}/questions/new", f"{base}/questions/{question}", "/organiser/accounts",
        "/organiser/accounts/new", "/account/password",
    ]
    return {"guest": guest_pages, "organiser": organiser_pages}


def _check(axe, page, label: str, found: list[str]) -> None:
    results = axe.run(page)
    for violation in results.response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:3]
        found.append(f"{label}: {violation['id']} ({violation['impact']}) on {targets}")


@pytest.mark.parametrize("size", list(SIZES))
def test_axe_finds_nothing_on_any_page(browser, live_server, site, size):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport=SIZES[size])
    context.set_default_timeout(10_000)
    page = context.new_page()
    csp = watch_csp(page)
    found: list[str] = []
    for language in ("nl", "en"):
        page.goto(f"{live_server}/language/{language}?next=/")
        for path in site["guest"]:
            page.goto(f"{live_server}{path}")
            _check(axe, page, f"{size} {language} {path}", found)

        # The form's error state, then a new guest's "you're in" page.
        page.goto(f"{live_server}/events/jubileum")
        page.locator("#name").fill("Grace Hopper")
        page.locator("#email").fill("not-an-address")
        page.locator("form[action*='/register'] button[type=submit]").click()
        page.locator("#form-errors").wait_for()
        _check(axe, page, f"{size} {language} registration errors", found)
        page.locator("#email").fill(f"grace-{size}-{language}@example.org")
        page.locator("input[name=consent]").check()
        page.locator("input[type=radio][value=yes]").check()
        page.locator("form[action*='/register'] button[type=submit]").click()
        page.locator("[data-mailed-to]").wait_for()
        _check(axe, page, f"{size} {language} registered", found)

    page.goto(f"{live_server}/login")
    page.locator("#email").fill("admin@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/organiser/")
    for language in ("nl", "en"):
        page.goto(f"{live_server}/language/{language}?next=/")
        for path in site["organiser"]:
            page.goto(f"{live_server}{path}")
            _check(axe, page, f"{size} {language} {path}", found)
    context.close()

    assert found == [], "axe-core found:\n" + "\n".join(found)
    assert csp == []


def test_axe_finds_nothing_on_the_door_page(browser, live_server, site):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.locator("#email").fill("admin@example.org")
        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server}/organiser/")
        for language in ("nl", "en"):
            page.goto(f"{live_server}/language/{language}?next=/events/jubileum/checkin")
            _check(axe, page, f"{size} {language} door", found)
        context.close()

    assert found == [], "axe-core found:\n" + "\n".join(found)
