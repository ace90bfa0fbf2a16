"""Every response carries a Content-Security-Policy, nosniff and a Referrer-Policy."""

import re
from pathlib import Path

import pytest
from backoffice import login, make_user
from checkin_helpers import door_with_token, event_today, guest
from mail_helpers import deliver
from sqlalchemy import select

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.invitations import service as invitations
from eventdesk.mail.models import OutboxMessage

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def directives(response) -> dict[str, list[str]]:
    """Split the response's CSP into {directive: sources}."""
    policy = response.headers["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def check_page_policy(response, *, wasm: bool = False) -> None:
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    scripts = csp["script-src"]
    assert "'self'" in scripts and "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts and "'strict-dynamic'" not in scripts
    assert [s for s in scripts if s.startswith("'nonce-")]
    assert ("'wasm-unsafe-eval'" in scripts) is wasm
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def site(app, client, make_event, now):
    """An event open at the door, a guest with a mailed ticket, an invitee and a door."""
    event = event_today(make_event, now)
    registration = guest(event, "zoe@example.org", now)
    invitee = invitations.add_invitee(event, name="Ida", email="ida@example.org",
                                      language="en", now=now)
    _, door_token = door_with_token(event, "Hoofdingang", now)
    db.session.commit()
    return {"event": event, "registration": registration, "invitee": invitee,
            "door_token": door_token}


def test_public_pages(client, site):
    event = site["event"]
    for path in ("/", f"/events/{event.slug}", "/privacy", "/login", "/no-such-page"):
        response = client.get(path)
        check_page_policy(response)
        assert response.headers["Referrer-Policy"] == "same-origin", path


def test_pages_whose_url_holds_a_token_send_no_referrer(client, site):
    token = site["registration"].manage_token
    paths = [f"/r/{token}", f"/r/{token}/cancel", f"/r/{token}/ticket", f"/r/{token}/qr.png",
             f"/r/{token}/invite.ics", f"/i/{site['invitee'].token}",
             f"/door/{site['door_token']}", "/r/not-a-token", f"/language/en?next=/r/{token}"]
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        assert response.headers["Referrer-Policy"] == "no-referrer", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
    check_page_policy(client.get(f"/r/{token}"))


def test_every_route_with_a_token_in_its_url_sends_no_referrer(app, client):
    rules = [rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and any("token" in name for name in rule.arguments)]
    assert len(rules) >= 7  # manage, cancel, ticket, QR, invite, invitation, door link...
    for rule in rules:
        path = rule.rule.replace("<", "").replace(">", "")  # /r/token, /door/token...
        response = client.get(path)
        assert response.status_code < 500, rule.rule
        assert response.headers["Referrer-Policy"] == "no-referrer", rule.rule


def test_only_the_door_page_may_compile_webassembly(app, client, site):
    event = site["event"]
    opened = client.get(f"/door/{site['door_token']}")
    assert opened.status_code == 302
    check_page_policy(opened)
    page = client.get(f"/events/{event.slug}/checkin")
    assert page.status_code == 200
    check_page_policy(page, wasm=True)
    # Every script on the page carries this response's nonce.
    [nonce] = [s[7:-1] for s in directives(page)["script-src"] if s.startswith("'nonce-")]
    tags = re.findall(r"<script\b[^>]*>", page.get_data(as_text=True))
    assert tags and all(f'nonce="{nonce}"' in tag for tag in tags)
    api = client.get(f"/api/v1/events/{event.slug}/checkins/counts")
    assert api.status_code == 200
    check_page_policy(api)


def test_back_office_pages(app, client, site):
    event = site["event"]
    login(client, make_user(Role.ORGANISER, "org@example.org"))
    for path in ("/organiser/", f"/organiser/events/{event.slug}/dashboard",
                 f"/organiser/events/{event.slug}/attendees",
                 f"/organiser/events/{event.slug}/doors",
                 f"/organiser/events/{event.slug}/attendees/{site['registration'].id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        check_page_policy(response)
        assert response.headers["Referrer-Policy"] == "same-origin", path


def test_each_response_has_its_own_nonce(client, site):
    path = f"/events/{site['event'].slug}"
    nonces = {directives(client.get(path))["script-src"][1] for _ in range(3)}
    assert len(nonces) == 3


def test_static_files_are_not_sniffed(client):
    with client.get("/static/js/checkin.js") as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in response.headers


def test_forged_host_answer_has_the_headers_too(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    check_page_policy(response)


def test_the_mailbox_frame_keeps_its_own_policy(app, client, make_event, now):
    from eventdesk.registration import service

    service.register(make_event(), name="Zoë", email="zoe@example.org", now=now)
    db.session.commit()
    deliver(app)
    item = db.session.scalar(select(OutboxMessage))
    check_page_policy(client.get(f"/dev/mailbox/{item.id}"))
    frame = client.get(f"/dev/mailbox/{item.id}/html")
    csp = directives(frame)
    assert csp["default-src"] == ["'none'"] and "script-src" not in csp
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["sandbox"] == ["allow-popups", "allow-popups-to-escape-sandbox"]


@pytest.mark.parametrize("template", sorted(
    path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html")
    if path.parent.name != "mail"  # guest mails go to mail clients, not under our CSP
))
def test_templates_need_no_inline_script_or_style(template):
    text = (TEMPLATES / template).read_text()
    assert not re.search(r"\sstyle\s*=", text), "a style attribute"
    assert not re.search(r"<style\b", text), "a <style> element"
    assert not re.search(r"\son[a-z]+\s*=", text), "an inline event handler"
    assert "javascript:" not in text.lower()
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "csp_nonce()" in tag, tag
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.fixture
def https_site(app_config, make_event, now):
    """An app behind a TLS proxy with CSRF protection on, and a guest's manage token."""
    from eventdesk import create_app

    strict = create_app({**app_config, "WTF_CSRF_ENABLED": True, "PROXIES": 1})
    token = guest(make_event(), "zoe@example.org", now).manage_token
    db.session.commit()  # the other app has its own connection: release SQLite's lock
    yield strict.test_client(), token
    with strict.app_context():
        db.engine.dispose()


HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "eventdesk.test"}


def test_forms_on_no_referrer_pages_work_over_https(https_site):
    # A page sent with "Referrer-Policy: no-referrer" makes the browser post its
    # forms without a Referer (and with "Origin: null").
    client, token = https_site
    page = client.get(f"/r/{token}/cancel", headers=HTTPS)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    cancelled = client.post(f"/r/{token}/cancel", data={"csrf_token": csrf.group(1)},
                            headers={**HTTPS, "Origin": "null"})
    assert cancelled.status_code == 302


@pytest.mark.parametrize("header", [{"Origin": "https://evil.example"},
                                    {"Referer": "https://evil.example/r/x"},
                                    {"Origin": "https://eventdesk.test.evil.example"}])
def test_a_form_posted_from_another_site_is_refused(https_site, header):
    client, token = https_site
    page = client.get(f"/r/{token}/cancel", headers=HTTPS)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    refused = client.post(f"/r/{token}/cancel", data={"csrf_token": csrf.group(1)},
                          headers={**HTTPS, **header})
    assert refused.status_code == 400
    fine = client.post(f"/r/{token}/cancel", data={"csrf_token": csrf.group(1)},
                       headers={**HTTPS, "Origin": "https://eventdesk.test",
                                "Referer": f"https://eventdesk.test/r/{token}/cancel"})
    assert fine.status_code == 302
