"""The doors page shows a new door's link as a QR code that a camera reads, and copy buttons."""

import html
import re

import pytest
import zxingcpp
from backoffice import PASSWORD, login, make_user
from browser_helpers import watch_csp
from PIL import Image, ImageDraw

from eventdesk.auth.models import Role
from eventdesk.checkin.door_qr import qr_svg
from eventdesk.db import db

RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-\d+z")


def rasterise(size: int, path: str, scale: int = 8) -> Image.Image:
    """Draw the SVG path's squares, as a browser would, into a black-on-white image."""
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    runs = RUN.findall(path)
    assert "".join(f"M{x} {y}h{w}v1h-{w}z" for x, y, w in runs) == path
    for x, y, width in runs:
        x, y, width = int(x), int(y), int(width)
        draw.rectangle([x * scale, y * scale, (x + width) * scale - 1, (y + 1) * scale - 1], 0)
    return image


def test_the_qr_path_decodes_to_the_text():
    link = "https://events.example.org/door/edd_" + "Ab9" * 14
    code = qr_svg(link)
    assert zxingcpp.read_barcode(rasterise(code.size, code.path)).text == link


def test_a_new_door_shows_its_link_as_qr_and_copy_buttons(client, make_event):
    event = make_event()
    login(client, make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event]))
    page = client.post(f"/organiser/events/{event.slug}/doors",
                       data={"name": "Hoofdingang", "with_pin": "y"}).get_data(as_text=True)
    link = html.unescape(re.search(r'<code class="secret" id="door-link">([^<]+)</code>',
                                   page).group(1))
    size, path = re.search(r'<svg viewBox="0 0 (\d+) \d+"[^>]*>.*?<path class="qr-dark" '
                           r'd="([^"]+)"', page, re.S).groups()
    assert zxingcpp.read_barcode(rasterise(int(size), path)).text == link
    for target in ("door-link", "door-pin", "door-token"):
        assert f'data-copy="{target}"' in page
    assert "js/copy.js" in page
    # The list alone (no secrets shown) has no QR code and no script.
    listing = client.get(f"/organiser/events/{event.slug}/doors").get_data(as_text=True)
    assert "door-qr" not in listing and "copy.js" not in listing


@pytest.mark.browser
def test_copy_button_puts_the_link_on_the_clipboard(browser, live_server, app, make_event):
    event = make_event()
    make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event])
    doors_page = f"{live_server}/organiser/events/{event.slug}/doors"
    # Outside a request the test's session takes SQLite's write lock: let it go.
    db.session.rollback()
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    csp = watch_csp(page)
    page.goto(f"{live_server}/language/en?next=/organiser/")
    page.get_by_label("Email address").fill("org@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your events").wait_for()
    page.goto(doors_page)
    page.get_by_label("Name").fill("Zij-ingang")
    page.get_by_role("button", name="Create door").click()
    link = page.locator("#door-link").inner_text()
    page.locator('button[data-copy="door-link"]').click()
    page.get_by_role("button", name="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert page.get_by_role("img", name="QR code of the door link for Zij-ingang").is_visible()
    context.close()
    assert csp == []


@pytest.mark.browser
def test_a_tablet_scanning_the_doors_page_qr_is_ready_to_scan(browser, live_server, app,
                                                              make_event, now):
    from io import BytesIO

    from checkin_helpers import event_today, guest

    event = event_today(make_event, now)
    code = guest(event, "jan@example.org", now, name="Jan Bakker").ticket_code
    slug = event.slug
    make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event])
    db.session.commit()
    # The link is built on the site's public address: here, the test server.
    app.config["BASE_URL"] = live_server
    db.session.rollback()
    organiser = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = organiser.new_page()
    csp = watch_csp(page)
    page.goto(f"{live_server}/language/en?next=/organiser/")
    page.get_by_label("Email address").fill("org@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your events").wait_for()
    page.goto(f"{live_server}/organiser/events/{slug}/doors")
    page.get_by_label("Name").fill("Zij-ingang")
    page.get_by_role("button", name="Create door").click()
    # What the tablet's camera sees: the QR as the organiser's screen draws it.
    shot = page.get_by_role("img", name="QR code of the door link for Zij-ingang").screenshot()
    link = zxingcpp.read_barcode(Image.open(BytesIO(shot)).convert("L")).text
    assert link == page.locator("#door-link").inner_text()
    assert link.startswith(f"{live_server}/door/")
    organiser.close()

    tablet = browser.new_context(locale="en-GB", viewport={"width": 1024, "height": 768})
    door = tablet.new_page()
    csp += watch_csp(door)
    door.goto(link)
    assert f"/{slug}/" in door.url and "/door/" not in door.url
    scanner = door.locator("#ci-code")
    scanner.wait_for()
    assert scanner.evaluate("el => el === document.activeElement")
    door.keyboard.type(code)
    door.keyboard.press("Enter")
    green = door.locator("#ci-result.ci-ok")
    green.wait_for(timeout=10_000)
    assert "Jan Bakker" in green.inner_text()
    tablet.close()
    assert csp == []
