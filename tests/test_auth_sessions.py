"""Logging out, a new password, a new role or a blocked account end sessions for good,
copies of the cookie included; so does leaving a door."""

from backoffice import PASSWORD, add_guest, login, make_user
from checkin_helpers import api, door_with_token, event_today, guest

from eventdesk.auth.models import Role, User
from eventdesk.checkin import doors
from eventdesk.db import db


def copy_of(client, app):
    """Return a second browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_cookie_is_worthless_after_logout_csv_export_included(app, make_event):
    event = make_event()
    add_guest(event, "Ada Lovelace", "ada@example.org")
    user = make_user(Role.ORGANISER, "org@example.org")
    client = app.test_client()
    assert login(client, user).status_code == 302
    thief = copy_of(client, app)
    export = f"/organiser/events/{event.slug}/export.csv"
    assert thief.get("/organiser/").status_code == 200
    assert b"ada@example.org" in thief.get(export).data

    client.post("/logout")
    assert thief.get("/organiser/").status_code == 302
    refused = thief.get(export)
    assert refused.status_code == 302 and b"ada@example.org" not in refused.data
    # Logging in again works, with a session the old copy does not share.
    assert login(client, user).status_code == 302
    assert client.get("/organiser/").status_code == 200
    assert thief.get("/organiser/").status_code == 302


def test_a_new_password_in_one_browser_logs_out_the_other(app):
    user = make_user(Role.ORGANISER, "org@example.org")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    thief = copy_of(phone, app)
    response = laptop.post("/account/password", data={
        "current": PASSWORD, "new": "a new long password", "confirm": "a new long password",
    })
    assert response.status_code == 302
    assert laptop.get("/organiser/").status_code == 200
    assert phone.get("/organiser/").status_code == 302
    assert thief.get("/organiser/").status_code == 302


def test_a_role_change_takes_effect_at_once(app, make_event):
    event = make_event()
    admin = make_user(Role.ADMIN, "admin@example.org")
    organiser = make_user(Role.ORGANISER, "org@example.org")
    boss, victim = app.test_client(), app.test_client()
    login(boss, admin)
    login(victim, organiser)
    assert victim.get(f"/organiser/events/{event.slug}/export.csv").status_code == 200
    response = boss.post(f"/organiser/accounts/{organiser.id}", data={
        "name": "Org", "role": "door", "active": "y", "all_events": "y",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, organiser.id).role == Role.DOOR
    assert victim.get(f"/organiser/events/{event.slug}/export.csv").status_code == 302
    # The admin changing their own account stays logged in.
    response = boss.post(f"/organiser/accounts/{admin.id}", data={
        "name": "Admin", "role": "admin", "active": "y", "all_events": "y",
        "password": "another long password",
    })
    assert response.status_code == 302
    assert boss.get("/organiser/").status_code == 200


def test_a_blocked_account_is_out_at_once_and_stays_out_when_unblocked(app):
    admin = make_user(Role.ADMIN, "admin@example.org")
    organiser = make_user(Role.ORGANISER, "org@example.org")
    boss, victim = app.test_client(), app.test_client()
    login(boss, admin)
    login(victim, organiser)
    for active in ("", "y"):
        data = {"name": "Org", "role": "organiser", "all_events": "y"}
        if active:
            data["active"] = active
        assert boss.post(f"/organiser/accounts/{organiser.id}", data=data).status_code == 302
    # Unblocking does not bring the old session back: blocking ended it.
    assert victim.get("/organiser/").status_code == 302


def test_leaving_a_door_ends_copies_of_the_door_session_but_not_other_tablets(
    app, make_event, now
):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    door, token = door_with_token(event, "Hoofdingang", now)
    pin = doors.issue_pin(door)
    db.session.commit()
    page = f"/events/{event.slug}/checkin"
    tablet, other_tablet = app.test_client(), app.test_client()
    assert tablet.get(f"/door/{token}").status_code == 302
    assert other_tablet.post(page + "/pin", data={"pin": pin}).status_code == 302
    thief = copy_of(tablet, app)
    assert thief.get(page).status_code == 200

    tablet.post(page + "/leave")
    assert tablet.get(page).status_code == 401
    assert thief.get(page).status_code == 401
    refused = api(thief, event, code=registration.ticket_code)
    assert refused.status_code == 401
    assert thief.get(f"/api/v1/events/{event.slug}/checkins/search?q=zoe").status_code == 401
    # The colleague at the same door goes on scanning.
    assert api(other_tablet, event, code=registration.ticket_code).get_json()["status"] == "ok"
