"""Badges from the back office and at the door: who gets one, in which order, who may print."""

import shutil
from pathlib import Path

import pytest
from backoffice import add_guest, login, make_user
from badge_helpers import pages_text
from checkin_helpers import door_with_token, event_today, guest

from eventdesk.auth.models import Role
from eventdesk.badges.models import BadgeSettings
from eventdesk.db import db
from eventdesk.registration.models import RegistrationStatus


@pytest.fixture
def organiser(app):
    return make_user(Role.ORGANISER, "org@example.org")


def _words(data: bytes) -> str:
    return " " + " ".join(" ".join(pages_text(data)).split()) + " "


def test_tonights_badges_are_every_confirmed_guest_once_by_surname(
    app, client, make_event, organiser
):
    event = make_event()
    add_guest(event, "Zoë de Vries", "zoe@example.org", organisation="Tata Steel")
    add_guest(event, "Bob Adams", "bob@example.org", organisation="")
    add_guest(event, "Émile Zola", "emile@example.org", organisation="Alpha")
    add_guest(event, "Wim Wacht", "wim@example.org", status=RegistrationStatus.WAITLISTED)
    add_guest(event, "Cas Cancel", "cas@example.org", status=RegistrationStatus.CANCELLED)
    add_guest(event, "Pim Pending", "pim@example.org", status=RegistrationStatus.PENDING)
    login(client, organiser)

    overview = client.get(f"/organiser/events/{event.slug}/badges")
    assert overview.status_code == 200
    assert f"/organiser/events/{event.slug}/badges/badges.pdf" in overview.get_data(as_text=True)

    response = client.get(f"/organiser/events/{event.slug}/badges/badges.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    words = _words(response.data)
    for name in ("Zoë de Vries", "Bob Adams", "Émile Zola"):
        assert words.count(f" {name} ") == 1
    for name in ("Wim Wacht", "Cas Cancel", "Pim Pending"):
        assert name not in words
    assert words.index("Bob Adams") < words.index("Zoë de Vries") < words.index("Émile Zola")

    by_org = _words(client.get(
        f"/organiser/events/{event.slug}/badges/badges.pdf?sort=organisation&layout=a4-3x8"
    ).data)
    # Alpha, then Tata Steel, then the guest without an organisation.
    assert by_org.index("Émile Zola") < by_org.index("Zoë de Vries") < by_org.index("Bob Adams")

    filtered = _words(client.get(
        f"/organiser/events/{event.slug}/badges/badges.pdf?q=tata"
    ).data)
    assert "Zoë de Vries" in filtered and "Bob Adams" not in filtered


def test_one_guests_label_and_no_badge_for_a_cancelled_guest(app, client, make_event, organiser):
    event = make_event()
    ada = add_guest(event, "Ada Lovelace", "ada@example.org")
    gone = add_guest(event, "Cas Cancel", "cas@example.org", status=RegistrationStatus.CANCELLED)
    login(client, organiser)
    response = client.get(f"/organiser/events/{event.slug}/badges/{ada.id}.pdf")
    assert response.status_code == 200 and "Ada Lovelace" in _words(response.data)
    refused = client.get(f"/organiser/events/{event.slug}/badges/{gone.id}.pdf")
    assert refused.status_code == 302
    assert f"/attendees/{gone.id}" in refused.headers["Location"]


def test_settings_are_saved_and_reach_the_door_page(app, client, make_event, organiser, now):
    event = event_today(make_event, now)
    login(client, organiser)
    response = client.post(f"/organiser/events/{event.slug}/badges/settings", data={
        "sheet_layout": "a4-3x8", "label_layout": "label-89x36", "print_at_checkin": "y",
    })
    assert response.status_code == 302
    settings = db.session.get(BadgeSettings, event.id)
    assert (settings.sheet_layout, settings.label_layout) == ("a4-3x8", "label-89x36")
    assert settings.print_at_checkin and not settings.show_qr
    page = client.get(f"/events/{event.slug}/checkin").get_data(as_text=True)
    assert '"print_at_checkin": true' in page
    bad = client.post(f"/organiser/events/{event.slug}/badges/settings",
                      data={"sheet_layout": "label-62", "label_layout": "x"})
    assert bad.status_code == 302
    assert db.session.get(BadgeSettings, event.id).sheet_layout == "a4-3x8"


def test_the_door_prints_a_badge_with_its_own_access_only(app, client, make_event, now):
    event = event_today(make_event, now)
    other = event_today(make_event, now)
    ada = guest(event, "ada@example.org", now, name="Ada Lovelace", organisation="Analytical")
    stranger = guest(other, "eve@example.org", now, name="Eve")
    gone = guest(event, "cas@example.org", now, name="Cas Cancel")
    gone.status = RegistrationStatus.CANCELLED
    db.session.commit()
    _, token = door_with_token(event, "Hoofdingang", now)
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/events/{event.slug}/checkin/badges/{{}}.pdf"

    assert client.get(url.format(ada.id)).status_code == 401
    response = client.get(url.format(ada.id), headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert "Ada Lovelace" in _words(response.data)
    assert client.get(url.format(stranger.id), headers=headers).status_code == 404
    assert client.get(url.format(gone.id), headers=headers).status_code == 409


CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.mark.browser
def _wait_until(page, condition, seconds: float = 10) -> None:
    """Let the page run until ``condition()`` holds or ``seconds`` pass."""
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)


def test_door_page_prints_the_badge_on_check_in_and_again_from_search(
    live_server, playwright_instance, make_event, now
):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed")
    from browser_helpers import watch_csp

    event = event_today(make_event, now)
    registration = guest(event, "jan@example.org", now, name="Jan Bakker", organisation="Nova")
    badge_path = f"/events/{event.slug}/checkin/badges/{registration.id}.pdf"
    db.session.add(BadgeSettings(event_id=event.id, print_at_checkin=True, show_qr=True,
                                 sheet_layout="a4-2x4", label_layout="label-62"))
    _, token = door_with_token(event, "Zijingang", now)
    # Touch no loaded object from here on: on SQLite that would open a
    # transaction in this thread that the live server's writes wait for.
    db.session.commit()

    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    try:
        context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
        page = context.new_page()
        violations = watch_csp(page)
        page.goto(f"{live_server}/door/{token}")
        # Headless chromium's PDF viewer crashes the page when asked to print,
        # so the frame gets a stand-in page; the real PDF is fetched with the
        # door's own session below.
        badges = []

        def stand_in(route):
            badges.append(route.request.url)
            route.fulfill(status=200, content_type="text/html", body="<p>badge</p>")

        page.route("**/checkin/badges/**", stand_in)
        page.locator("#ci-search").fill("Bakker")
        result = page.locator("#ci-results li").filter(has_text="Jan Bakker")
        result.locator("button.ci-badge").wait_for(timeout=10_000)
        result.locator("button.ci-primary").click()
        page.locator("#ci-result.ci-ok").wait_for(timeout=10_000)
        frame = page.locator("#ci-badge-frame")
        frame.wait_for(state="attached", timeout=10_000)
        assert frame.get_attribute("src").endswith(badge_path)
        _wait_until(page, lambda: badges)
        assert [url.removeprefix(live_server) for url in badges] == [badge_path]
        real = context.request.get(live_server + badge_path)
        assert real.status == 200 and real.headers["content-type"] == "application/pdf"
        assert "Jan Bakker" in _words(real.body())

        # Again from search: the guest is in now, the badge button stays. The
        # result hides itself after a moment (on a loaded machine it may have
        # already), so wait for that rather than click it away.
        page.locator("#ci-result").wait_for(state="hidden", timeout=10_000)
        page.locator("#ci-search").fill("Jan B")
        again = page.locator("#ci-results li").filter(has_text="Jan Bakker")
        again.locator("button.ci-badge").click()
        _wait_until(page, lambda: len(badges) == 2)
        assert len(badges) == 2
        assert violations == []
    finally:
        browser.close()
