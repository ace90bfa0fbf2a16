"""The door through a network cut, in Debian chromium: the service worker brings the page
back, the snapshot decides scans, the queue drains with the original times, two tablets
admitting one ticket leave one check-in and one conflict, a revoked door is wiped."""


import pytest
from checkin_helpers import door_with_token, event_today, guest
from PIL import Image
from sqlalchemy import select
from test_checkin_browser import CHROMIUM, FLAGS, mailed_qr, open_door, write_y4m

from eventdesk.checkin import doors
from eventdesk.checkin.models import CheckinConflict, Door, Scan
from eventdesk.db import db, utcnow
from eventdesk.registration import service as registration_service
from eventdesk.registration.codes import short_code_display
from eventdesk.registration.models import Registration

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium(playwright_instance, tmp_path):
    """Launch chromium; ``camera`` a y4m path to give it a fake camera showing that file."""
    from test_checkin_browser import playwright as _needs_chromium  # noqa: F401

    launched = []

    def launch(camera=None):
        args = list(FLAGS)
        if camera is not None:
            args += ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                     f"--use-file-for-fake-video-capture={camera}"]
        browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=args)
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()


def served_paths(app):
    """Record the path of every request the server answers, from here on."""
    paths = []
    inner = app.wsgi_app

    def recording(environ, start_response):
        paths.append(environ.get("PATH_INFO", ""))
        return inner(environ, start_response)

    app.wsgi_app = recording
    return paths


def ready_offline(page, tickets):
    """Wait until the service worker controls the page and the snapshot holds ``tickets``."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    page.wait_for_function(f"() => window.checkinStats.tickets === {tickets}", timeout=20_000)
    page.wait_for_timeout(1_800)  # the encrypted snapshot is written 1.5 s after a change


def scan(page, code):
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_offline_scans_reload_and_drain_with_their_times(app, live_server, chromium,
                                                        make_event, now, tmp_path):
    event = event_today(make_event, utcnow())
    jan = guest(event, "jan@example.org", utcnow(), name="Jan Bakker", organisation="Nova")
    zoe = registration_service.register(
        event, name="Zoë de Vries", email="zoe@example.org", organisation="", now=utcnow()
    ).registration
    door, token = door_with_token(event, "Ingang 1", utcnow())
    qr = mailed_qr(zoe)
    # The camera sees nothing until the door is offline; then it is shown Zoë's ticket.
    write_y4m(Image.new("L", qr.size, 255), tmp_path / "zoe.y4m")
    paths = served_paths(app)

    browser = chromium(camera=tmp_path / "zoe.y4m")
    context, page, csp = open_door(browser, live_server, token)
    ready_offline(page, 2)
    assert page.evaluate("indexedDB.databases().then(d => d.map(x => x.name))") == [
        f"eventdesk-door:{event.slug}"]

    context.set_offline(True)
    page.wait_for_timeout(500)  # a request already under way may still arrive
    # The service worker's own fetches are cut too: the reload comes from its cache alone.
    paths.clear()
    page.reload()
    page.locator("#ci-code").wait_for()
    assert not [p for p in paths if not p.startswith("/api/")]
    page.wait_for_function("() => window.checkinStats.tickets === 2", timeout=10_000)

    started = utcnow()
    scan(page, jan.ticket_code.replace("O", "0"))
    green = page.locator("#ci-result.ci-ok")
    green.wait_for(timeout=5_000)
    assert "Jan Bakker" in green.inner_text()
    assert page.locator("#ci-net").is_visible()
    page.locator("#ci-queue").filter(has_text="1 check-in waiting").wait_for()
    page.wait_for_timeout(3_100)  # past the repeat window
    scan(page, jan.ticket_code)
    amber = page.locator("#ci-result.ci-warn")
    amber.wait_for(timeout=5_000)
    assert "Ingang 1" in amber.inner_text()
    page.locator("#ci-result").click()

    # The fake camera shows Zoë's ticket: the door admits her offline too.
    write_y4m(qr, tmp_path / "zoe.y4m")
    page.wait_for_timeout(300)
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.locator("#ci-result.ci-ok").filter(has_text="Zoë de Vries").wait_for(timeout=20_000)
    page.locator("#ci-queue").filter(has_text="2 check-ins waiting").wait_for()
    # The camera looks away: past the repeat window it would scan Zoë again (amber).
    write_y4m(Image.new("L", qr.size, 255), tmp_path / "zoe.y4m")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    assert db.session.scalar(select(Scan)) is None
    db.session.commit()  # no open read while the server writes (SQLite)

    back = utcnow()
    page.wait_for_timeout(500)
    context.set_offline(False)
    page.locator("#ci-queue").wait_for(state="hidden", timeout=20_000)
    page.locator("#ci-net").wait_for(state="hidden", timeout=20_000)
    db.session.expire_all()
    for registration in (jan, zoe):
        registration = db.session.get(Registration, registration.id)
        assert registration.checked_in_door_id == door.id
        # The times the scans happened at the door, not when they reached the server.
        assert started <= registration.checked_in_at < back
    scans = db.session.scalars(select(Scan).where(Scan.at < back).order_by(Scan.at)).all()
    # The amber repeat was refused offline: it reaches the scan log too, at its own time.
    assert [(s.registration_id, s.status, s.reason) for s in scans] == [
        (jan.id, "ok", None), (jan.id, "error", "already_checked_in"), (zoe.id, "ok", None)]
    assert all(started <= s.at < back for s in scans)
    assert db.session.scalar(select(CheckinConflict)) is None
    assert csp == []


def test_two_tablets_offline_admit_one_ticket_once(live_server, chromium, make_event, now):
    event = event_today(make_event, utcnow())
    registration = registration_service.register(
        event, name="Piet Jansen", email="piet@example.org", organisation="", now=utcnow()
    ).registration
    db.session.commit()
    _, token_a = door_with_token(event, "Ingang 1", utcnow())
    _, token_b = door_with_token(event, "Ingang 2", utcnow())
    code, registration_id = registration.ticket_code, registration.id
    db.session.commit()  # no read left open while the server writes (SQLite)
    browser = chromium()
    tablets = []
    for token in (token_a, token_b):
        context, page, csp = open_door(browser, live_server, token)
        ready_offline(page, 1)
        context.set_offline(True)
        tablets.append((context, page, csp))
    for _context, page, _csp in tablets:
        scan(page, code)
        page.locator("#ci-result.ci-ok").wait_for(timeout=5_000)
    for context, page, _csp in tablets:
        context.set_offline(False)
        page.locator("#ci-queue").wait_for(state="hidden", timeout=20_000)
    db.session.expire_all()
    registration = db.session.get(Registration, registration_id)
    conflicts = db.session.scalars(select(CheckinConflict)).all()
    assert len(conflicts) == 1
    kept = conflicts[0]
    assert (kept.kept_door_id, kept.kept_at) == (registration.checked_in_door_id,
                                                 registration.checked_in_at)
    assert kept.other_at > kept.kept_at and kept.other_door_id != kept.kept_door_id
    assert all(csp == [] for _c, _p, csp in tablets)


def test_a_door_revoked_while_offline_is_refused_and_wiped(live_server, chromium, make_event,
                                                          now):
    event = event_today(make_event, utcnow())
    jan = guest(event, "jan@example.org", utcnow(), name="Jan Bakker")
    door, token = door_with_token(event, "Ingang 1", utcnow())
    code, jan_id, door_id = jan.ticket_code, jan.id, door.id
    db.session.commit()
    browser = chromium()
    context, page, _csp = open_door(browser, live_server, token)
    ready_offline(page, 1)
    context.set_offline(True)
    scan(page, code)
    page.locator("#ci-result.ci-ok").wait_for(timeout=5_000)
    doors.revoke_door(db.session.get(Door, door_id), now=utcnow())
    db.session.commit()
    context.set_offline(False)
    page.locator("#ci-result.ci-error").filter(has_text="This door has been closed").wait_for(
        timeout=20_000)
    assert page.evaluate("indexedDB.databases().then(d => d.length)") == 0
    assert page.evaluate("caches.keys().then(k => k.length)") == 0
    db.session.expire_all()
    assert db.session.get(Registration, jan_id).checked_in_at is None
    assert db.session.scalar(select(Scan)) is None


def test_a_short_code_checks_in_online_and_asks_for_the_qr_offline(live_server, chromium,
                                                                  make_event, now):
    event = event_today(make_event, utcnow())
    jan = guest(event, "jan@example.org", utcnow(), name="Jan Bakker")
    ada = guest(event, "ada@example.org", utcnow(), name="Ada Kort")
    _, token = door_with_token(event, "Ingang 1", utcnow())
    jan_short = short_code_display(jan.ticket_code).lower()
    ada_short, ada_code = short_code_display(ada.ticket_code), ada.ticket_code
    db.session.commit()

    browser = chromium()
    context, page, csp = open_door(browser, live_server, token)
    ready_offline(page, 2)
    scan(page, jan_short)
    page.locator("#ci-result.ci-ok").filter(has_text="Jan Bakker").wait_for(timeout=10_000)
    page.locator("#ci-result").click()

    context.set_offline(True)
    page.wait_for_timeout(3_100)  # past the repeat window
    scan(page, ada_short)
    red = page.locator("#ci-result.ci-error")
    red.filter(has_text="Short codes need the network").wait_for(timeout=5_000)
    assert "Scan the QR or type the full code." in red.inner_text()
    page.locator("#ci-result").click()
    scan(page, ada_code)
    page.locator("#ci-result.ci-ok").filter(has_text="Ada Kort").wait_for(timeout=5_000)
    context.close()
    assert csp == []


def test_an_offline_check_in_is_undone_on_the_tablet_before_it_is_sent(live_server, chromium,
                                                                       make_event, now):
    event = event_today(make_event, utcnow())
    jan = guest(event, "jan@example.org", utcnow(), name="Jan Bakker", organisation="Nova")
    ada = guest(event, "ada@example.org", utcnow(), name="Ada Kort")
    _, token = door_with_token(event, "Ingang 1", utcnow())
    jan_code, jan_id, ada_code, ada_id = jan.ticket_code, jan.id, ada.ticket_code, ada.id
    db.session.commit()
    browser = chromium()
    context, page, csp = open_door(browser, live_server, token)
    ready_offline(page, 2)
    context.set_offline(True)
    page.wait_for_timeout(500)

    # Undo with the button right after the green answer.
    scan(page, jan_code)
    page.locator("#ci-result.ci-ok").filter(has_text="Jan Bakker").wait_for(timeout=5_000)
    page.locator("#ci-queue").filter(has_text="1 check-in waiting").wait_for()
    page.locator("#ci-result").click()
    undo = page.locator("#ci-undo")
    assert "Jan Bakker" in undo.inner_text()
    undo.click()
    page.locator("#ci-result.ci-warn").filter(has_text="Check-in undone").wait_for(timeout=5_000)
    page.locator("#ci-queue").wait_for(state="hidden")
    assert undo.is_hidden()
    page.locator("#ci-result").click()

    # Undo from the search results: Ada admitted, found, taken back.
    scan(page, ada_code)
    page.locator("#ci-result.ci-ok").filter(has_text="Ada Kort").wait_for(timeout=5_000)
    page.locator("#ci-result").click()
    page.locator("#ci-search").fill("Ada")
    page.locator(".ci-undo-guest").click()
    page.locator("#ci-result.ci-warn").filter(has_text="Ada Kort").wait_for(timeout=5_000)
    page.locator("#ci-result").click()
    # Admitted again afterwards: green, not amber, as the tablet has her out.
    page.wait_for_timeout(3_100)  # past the repeat window
    scan(page, jan_code)
    page.locator("#ci-result.ci-ok").filter(has_text="Jan Bakker").wait_for(timeout=5_000)
    page.locator("#ci-queue").filter(has_text="1 check-in waiting").wait_for()

    context.set_offline(False)
    page.locator("#ci-queue").wait_for(state="hidden", timeout=20_000)
    context.close()
    db.session.expire_all()
    # The server heard only of Jan's second admission.
    assert db.session.get(Registration, ada_id).checked_in_at is None
    assert db.session.get(Registration, jan_id).checked_in_at is not None
    scans = db.session.scalars(select(Scan)).all()
    assert [(s.registration_id, s.status) for s in scans] == [(jan_id, "ok")]
    assert csp == []
