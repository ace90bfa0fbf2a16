"""The description editor's preview: server-rendered with the event page's sanitiser."""

import pytest
from backoffice import PASSWORD, login, make_user
from browser_helpers import log_in_in_dutch, watch_csp

from eventdesk.auth.models import Role
from eventdesk.db import db


def test_preview_is_sanitised_and_bounded(client, make_event):
    url = "/organiser/markdown-preview"
    assert client.post(url, data={"text": "**x**"}).status_code in (302, 401)
    login(client, make_user(Role.ORGANISER, "org@example.org"))
    response = client.post(url, data={
        "text": "**Welkom** bij de [open dag](https://techport.example.org)\n\n"
                "<script>alert(1)</script> [klik](javascript:alert(1)) <img src=x onerror=y>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<strong>Welkom</strong>" in html and 'href="https://techport.example.org"' in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert client.post(url, data={"text": "x" * 20_001}).status_code == 400
    assert client.post(url, data={}).get_data(as_text=True) == ""


@pytest.mark.browser
def test_preview_follows_typing(browser, live_server, app, make_event):
    event = make_event()
    make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event])
    edit = f"{live_server}/organiser/events/{event.slug}/edit"
    db.session.rollback()  # the test's session would hold SQLite's write lock
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    csp = watch_csp(page)
    log_in_in_dutch(page, live_server, "org@example.org", PASSWORD)
    page.goto(edit)
    page.locator("#description_nl").fill("Neem je **laptop** mee")
    page.locator('[data-preview-for="description_nl"] strong', has_text="laptop").wait_for()
    context.close()
    assert csp == []
