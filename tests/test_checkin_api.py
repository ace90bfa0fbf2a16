"""The check-in JSON API, the door page's access paths and the organiser's door page."""

from checkin_helpers import api, cancel, door_with_token, event_today, guest
from flask_migrate import stamp
from sqlalchemy import select

from eventdesk.auth.models import Role, User
from eventdesk.checkin import doors
from eventdesk.checkin.models import Scan
from eventdesk.db import db

# The confirmation page's answer: irreversible actions ask first.
YES = {"confirmed": "yes"}


def account(email, role, password="correct horse battery"):
    user = User(email=email, name=email.split("@")[0].title(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def login(client, email, password="correct horse battery"):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302


def test_scan_with_bearer_token_then_amber_then_undo(client, make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now, name="Zoë de Vries", organisation="Tata")
    _, token = door_with_token(event, "Hoofdingang", now)

    first = api(client, event, token=token, code=registration.ticket_code.lower() + "\n", nonce="a")
    assert first.status_code == 200
    body = first.get_json()
    assert body["status"] == "ok" and body["reason"] is None and body["door"] == "Hoofdingang"
    assert body["attendee"] == {"id": registration.id, "name": "Zoë de Vries",
                                "organisation": "Tata", "status": "confirmed"}
    assert body["checked_in_at"].endswith("Z")

    replay = api(client, event, token=token, code=registration.ticket_code, nonce="a").get_json()
    assert replay["status"] == "ok" and replay["checked_in_at"] == body["checked_in_at"]
    second = api(client, event, token=token, code=registration.ticket_code, nonce="b").get_json()
    assert second["reason"] == "already_checked_in"
    assert second["checked_in_time"] == body["checked_in_time"]

    counts = client.get(f"/api/v1/events/{event.slug}/checkins/counts",
                        headers={"Authorization": f"Bearer {token}"}).get_json()
    assert counts == {"checked_in": 1, "expected": 1}
    undone = api(client, event, "checkins/undo", token=token, registration=registration.id)
    assert undone.get_json()["status"] == "ok"
    assert len(db.session.scalars(select(Scan)).all()) == 3


def test_bad_input_gives_clear_answers_never_500(client, make_event, now):
    event = event_today(make_event, now)
    other = event_today(make_event, now)
    elsewhere = guest(other, "b@example.org", now)
    cancelled = guest(event, "c@example.org", now)
    cancel(cancelled, now)
    _, token = door_with_token(event, "Hoofdingang", now)

    def reason(**body):
        response = api(client, event, token=token, **body)
        assert response.status_code == 200, response.data
        return response.get_json()["reason"]

    assert reason(code="x" * 10_000) == "unknown"
    assert reason(code="<script>") == "unknown"
    # A NUL is refused before the API sees it (it would break a PostgreSQL query).
    assert api(client, event, token=token, code="<script>\x00").status_code == 400
    assert reason(code=12345) == "unknown"
    assert reason(code=None) == "unknown"
    assert reason(code=elsewhere.ticket_code) == "wrong_event"
    assert reason(code=cancelled.ticket_code) == "cancelled"
    assert reason(registration="7") == "unknown"
    assert reason(registration=elsewhere.id) == "unknown"
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/events/{event.slug}/checkins"
    assert client.post(url, data="not json", headers=headers).status_code == 400
    assert client.post(url, json=["a"], headers=headers).status_code == 400
    for nonce in ("n" * 65, 5):
        response = client.post(url, json={"code": "a", "nonce": nonce}, headers=headers)
        assert response.status_code == 400
    missing = client.post("/api/v1/events/no-such-event/checkins", json={}, headers=headers)
    assert missing.status_code == 404 and missing.is_json


def test_no_auth_wrong_event_token_and_revoked_token_are_401(client, make_event, now):
    event = event_today(make_event, now)
    other = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    door, token = door_with_token(event, "Hoofdingang", now)
    _, other_token = door_with_token(other, "Hoofdingang", now)

    for bad in (None, "edd_nonsense", other_token, "x" * 5000):
        response = api(client, event, token=bad, code=registration.ticket_code)
        assert response.status_code == 401 and response.get_json()["reason"] == "unauthorized"
    assert client.get(f"/api/v1/events/{event.slug}/checkins/counts").status_code == 401
    doors.revoke_door(door, now=now)
    db.session.commit()
    assert api(client, event, token=token, code=registration.ticket_code).status_code == 401
    assert registration.checked_in_at is None


def test_volunteer_pin_opens_the_page_and_revocation_closes_it(client, make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    door = doors.create_door(event, name="Zijingang", now=now)
    pin = doors.issue_pin(door)
    db.session.commit()
    page = f"/events/{event.slug}/checkin"

    entry = client.get(page)
    # The way in names no doors: only the PIN tells which door it opens.
    assert entry.status_code == 401 and b"Zijingang" not in entry.data
    assert f'value="{door.id}"'.encode() not in entry.data
    wrong = client.post(page + "/pin", data={"pin": "12345x"})
    assert wrong.status_code == 422
    assert client.post(page + "/pin", data={"pin": pin}).status_code == 302
    opened = client.get(page)
    assert opened.status_code == 200 and b'inputmode="none"' in opened.data
    assert b"vendor/barcode-detector-polyfill.js" in opened.data
    answer = api(client, event, code=registration.ticket_code).get_json()
    assert answer["status"] == "ok" and answer["door"] == "Zijingang"

    doors.revoke_door(door, now=now)
    db.session.commit()
    assert client.get(page).status_code == 401
    assert api(client, event, code=registration.ticket_code).status_code == 401


def test_door_link_and_door_account(client, app, make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now, name="Jan Bakker")
    _, token = door_with_token(event, "Hoofdingang", now)
    assert client.get("/door/edd_wrong").status_code == 404
    opened = client.get(f"/door/{token}")
    assert opened.headers["Location"].endswith(f"/events/{event.slug}/checkin")
    assert client.get(f"/events/{event.slug}/checkin").status_code == 200

    staff = app.test_client()
    account("door@example.org", Role.DOOR)
    login(staff, "door@example.org")
    found = staff.get(f"/api/v1/events/{event.slug}/checkins/search?q=bakker").get_json()
    assert [g["name"] for g in found["results"]] == ["Jan Bakker"]
    page = staff.get(f"/events/{event.slug}/checkin")
    assert b": Door</span>" in page.data
    assert doors.door_by_name(event, "Door") is None  # reading creates no door row
    nul = staff.get(f"/api/v1/events/{event.slug}/checkins/search?q=ba%00kker")
    assert nul.status_code == 400  # refused before the search reaches the database
    answer = staff.post(f"/api/v1/events/{event.slug}/checkins",
                        json={"registration": registration.id}).get_json()
    assert answer["status"] == "ok" and answer["door"] == "Door"


def test_session_callers_need_the_csrf_token(app_config, make_event, now):
    from eventdesk import create_app

    app_config["WTF_CSRF_ENABLED"] = True
    strict = create_app(app_config)
    event = event_today(make_event, now)
    _, token = door_with_token(event, "Hoofdingang", now)
    slug = event.slug
    db.session.commit()  # the other app has its own connection: release SQLite's lock
    browser = strict.test_client()
    browser.get(f"/door/{token}")
    refused = browser.post(f"/api/v1/events/{slug}/checkins", json={"code": "x"})
    assert refused.status_code == 400
    # A bearer caller sends no cookie-borne authority, so no CSRF token is needed.
    fine = strict.test_client().post(
        f"/api/v1/events/{slug}/checkins", json={"code": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert fine.get_json()["reason"] == "unknown"
    with strict.app_context():
        db.engine.dispose()


def test_walk_in_api_validates_and_overrides(client, make_event, now):
    event = event_today(make_event, now, capacity=0)
    _, token = door_with_token(event, "Hoofdingang", now)
    assert api(client, event, "walkins", token=token, name=" \x00").status_code == 400
    assert api(client, event, "walkins", token=token, name="A", email="nope").status_code == 400
    full = api(client, event, "walkins", token=token, name="Piet").get_json()
    assert full["reason"] == "full"
    admitted = api(client, event, "walkins", token=token, name="Piet", override=True).get_json()
    assert admitted["status"] == "ok" and admitted["override"] is True
    assert admitted["attendee"]["name"] == "Piet"


def test_organiser_creates_and_revokes_doors_others_may_not(client, app, make_event, now):
    event = event_today(make_event, now)
    account("org@example.org", Role.ORGANISER)
    account("door@example.org", Role.DOOR)
    url = f"/organiser/events/{event.slug}/doors"

    assert client.get(url).status_code in (302, 401)
    staff = app.test_client()
    login(staff, "door@example.org")
    assert staff.get(url).status_code == 403
    assert staff.post(url, data={"name": "X"}).status_code == 403

    login(client, "org@example.org")
    created = client.post(url, data={"name": "Hoofdingang", "with_pin": "y"})
    assert created.status_code == 200
    door = doors.door_by_name(event, "Hoofdingang")
    page = created.get_data(as_text=True)
    assert "/door/edd_" in page and door.token_hash not in page
    assert client.post(url, data={"name": "Hoofdingang"}).status_code == 422
    assert client.post(f"{url}/{door.id}/revoke", data=YES).status_code == 302
    db.session.refresh(door)
    assert not door.active and door.token_hash is None


def test_cli_door_token(app, make_event, now):
    event = event_today(make_event, now)
    from eventdesk.cli import cli

    stamp()  # commands want a migrated schema; the fixture's is current
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["door-token", event.slug, "Kiosk  1"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert doors.door_by_token(token).name == "Kiosk 1"
    again = runner.invoke(cli, ["door-token", event.slug, "Kiosk 1"]).output.strip()
    assert doors.door_by_token(token) is None and doors.door_by_token(again).name == "Kiosk 1"
    assert runner.invoke(cli, ["door-token", "nope", "X"]).exit_code != 0
