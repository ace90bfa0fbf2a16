"""Each tablet of a door account scans at a door of its own, named on the tablet."""

import json
import re

from checkin_helpers import api, door_with_token, event_today, guest
from sqlalchemy import func, select

from eventdesk.auth.models import Role, User
from eventdesk.checkin import doors
from eventdesk.checkin.models import Door, Scan
from eventdesk.db import db

PASSWORD = "correct horse battery"


def account(email, role=Role.DOOR):
    user = User(email=email, name=email.split("@")[0].title(), role=role)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def tablet(app, email):
    """Return a new browser (test client) logged in as ``email``."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def name(client, event, value, **headers):
    return client.post(f"/api/v1/events/{event.slug}/door", json={"name": value}, headers=headers)


def page_config(client, event):
    slug = event if isinstance(event, str) else event.slug
    page = client.get(f"/events/{slug}/checkin")
    assert page.status_code == 200
    found = re.search(rb'<script type="application/json" id="ci-config"[^>]*>(.*?)</script>',
                      page.data, re.S)
    return json.loads(found.group(1)), page.data


def test_two_tablets_of_one_account_scan_at_their_own_doors(app, make_event, now):
    event = event_today(make_event, now)
    zoe = guest(event, "zoe@example.org", now, name="Zoë de Vries")
    jan = guest(event, "jan@example.org", now, name="Jan Bakker")
    account("deur@example.org")
    first, second = tablet(app, "deur@example.org"), tablet(app, "deur@example.org")

    config, _ = page_config(first, event)
    assert config["naming"]["named"] is False and config["naming"]["default"] == "Ingang 1"
    assert name(first, event, "  Ingang   1 ").get_json()["door"] == "Ingang 1"
    assert name(second, event, "Ingang 2").get_json()["door"] == "Ingang 2"

    # The name holds across reloads: the door session remembers the tablet's door.
    config, html = page_config(first, event)
    assert config["naming"]["named"] is True and config["door"] == "Ingang 1"
    assert b": Ingang 1</span>" in html

    assert api(first, event, code=zoe.ticket_code).get_json()["door"] == "Ingang 1"
    assert api(second, event, registration=jan.id).get_json()["door"] == "Ingang 2"
    repeat = api(second, event, code=zoe.ticket_code).get_json()
    assert repeat["reason"] == "already_checked_in" and repeat["door"] == "Ingang 1"
    undone = api(second, event, "checkins/undo", registration=jan.id).get_json()
    assert undone["status"] == "ok"
    walk_in = api(first, event, "walkins", name="Piet Smit").get_json()
    assert walk_in["status"] == "ok" and walk_in["door"] == "Ingang 1"

    logged = db.session.execute(
        select(Door.name, Scan.action, Scan.status).join(Door, Door.id == Scan.door_id)
        .order_by(Scan.id)
    ).all()
    assert [tuple(map(str, row)) for row in logged] == [
        ("Ingang 1", "check_in", "ok"), ("Ingang 2", "check_in", "ok"),
        ("Ingang 2", "check_in", "error"), ("Ingang 2", "undo", "ok"),
        ("Ingang 1", "walk_in", "ok"),
    ]
    # Reading the page and naming made no door named after the account.
    assert doors.door_by_name(event, "Deur") is None


def test_a_name_another_door_has_gets_a_number(app, make_event, now):
    event = event_today(make_event, now)
    door_with_token(event, "Ingang 1", now)  # the organiser's own door
    account("deur@example.org")
    account("tweede@example.org")
    first, other = tablet(app, "deur@example.org"), tablet(app, "tweede@example.org")

    mine = name(first, event, "Ingang 1").get_json()
    assert mine["door"] == "Ingang 1 (2)"
    theirs = name(other, event, "Ingang 1").get_json()
    assert theirs["door"] == "Ingang 1 (3)"
    # The same account asking again (another tablet, or after a new login) gets its own door back.
    again = name(tablet(app, "deur@example.org"), event, "Ingang 1").get_json()
    assert again["id"] == mine["id"]
    assert name(other, event, "Ingang 1 (3)").get_json()["id"] == theirs["id"]
    assert db.session.scalar(select(func.count()).select_from(Door)) == 3


def test_bad_names_are_refused_with_a_message(app, make_event, now):
    event = event_today(make_event, now)
    account("deur@example.org")
    client = tablet(app, "deur@example.org")

    def refused(value, language="en", reason="bad_name"):
        response = client.post(f"/api/v1/events/{event.slug}/door", json={"name": value},
                               headers={"Accept-Language": language})
        assert response.status_code == 400, response.data
        body = response.get_json()
        assert body["reason"] == reason
        return body["message"]

    assert refused("") == "Give this entrance a name."
    assert refused("   ", "nl") == "Geef deze ingang een naam."
    assert refused("x" * 61) == "An entrance name has at most 60 characters."
    assert refused("x" * 61, "nl") == "De naam van een ingang heeft hoogstens 60 tekens."
    assert "control characters" in refused("Ingang\n1")
    assert "stuurtekens" in refused("Ingang\t1", "nl")
    # Other control characters never reach the view: the request guard answers first.
    assert "stuurtekens" in refused("Ingang\x071", "nl", reason="http_400")
    assert refused(12) == "Give this entrance a name."
    assert refused(None) == "Give this entrance a name."
    not_json = client.post(f"/api/v1/events/{event.slug}/door", data="Ingang 1")
    assert not_json.status_code == 400
    assert name(client, event, "x" * 60).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Door)) == 1


def test_only_an_account_names_its_tablet(app, client, make_event, now):
    event = event_today(make_event, now)
    door, token = door_with_token(event, "Hoofdingang", now)
    assert name(client, event, "Ingang 1").status_code == 401
    bearer = name(client, event, "Ingang 1", Authorization=f"Bearer {token}")
    assert bearer.status_code == 409 and bearer.get_json()["reason"] == "named_by_organiser"
    client.get(f"/door/{token}")
    config, _ = page_config(client, event)
    assert config["naming"] is None and config["door"] == "Hoofdingang"
    assert name(client, event, "Ingang 1").status_code == 409
    assert doors.door_by_name(event, "Ingang 1") is None


def test_a_tablet_door_opens_only_for_its_logged_in_account(app, make_event, now):
    event = event_today(make_event, now)
    zoe = guest(event, "zoe@example.org", now)
    account("deur@example.org")
    client = tablet(app, "deur@example.org")
    assert name(client, event, "Ingang 1").status_code == 200
    client.post("/logout")
    # The door session still names the tablet's door, but its account is gone from this browser.
    assert client.get(f"/events/{event.slug}/checkin").status_code == 401
    assert api(client, event, code=zoe.ticket_code).status_code == 401

    # Revoking one tablet's door closes that door and its name; the account's other
    # tablets go on, and may take another name.
    again = tablet(app, "deur@example.org")
    assert name(again, event, "Ingang 2").status_code == 200
    doors.revoke_door(doors.door_by_name(event, "Ingang 1"), now=now)
    db.session.commit()
    closed = name(again, event, "Ingang 1")
    assert closed.status_code == 403 and closed.get_json()["reason"] == "door_closed"
    assert name(again, event, "Ingang 3").status_code == 200
    assert api(again, event, code=zoe.ticket_code).get_json()["door"] == "Ingang 3"
    # Every door of the account revoked: it is shut out of this event's door, as before.
    for tablet_name in ("Ingang 2", "Ingang 3"):
        doors.revoke_door(doors.door_by_name(event, tablet_name), now=now)
    db.session.commit()
    assert again.get(f"/events/{event.slug}/checkin").status_code == 401
    assert name(again, event, "Ingang 4").status_code == 401


def test_naming_a_tablet_needs_the_csrf_token(app_config, make_event, now):
    from eventdesk import create_app

    app_config["WTF_CSRF_ENABLED"] = True
    strict = create_app(app_config)
    event = event_today(make_event, now)
    account("deur@example.org")
    slug = event.slug
    db.session.commit()  # the other app has its own connection: release SQLite's lock
    browser = strict.test_client()
    login_form = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_form).group(1)
    logged_in = browser.post("/login", data={"email": "deur@example.org", "password": PASSWORD,
                                             "csrf_token": token})
    assert logged_in.status_code == 302
    url = f"/api/v1/events/{slug}/door"
    assert browser.post(url, json={"name": "Ingang 1"}).status_code == 400
    config, _ = page_config(browser, slug)  # the slug: no object of this thread's session
    named = browser.post(url, json={"name": "Ingang 1"}, headers={"X-CSRFToken": config["csrf"]})
    assert named.status_code == 200 and named.get_json()["door"] == "Ingang 1"
    with strict.app_context():
        db.engine.dispose()
