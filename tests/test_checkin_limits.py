"""Door PINs are slowed per address and per event, never locked; door staff and
volunteers see at the door what their role needs, no more."""

import threading
from concurrent.futures import ThreadPoolExecutor

from backoffice import PASSWORD, login, make_user
from checkin_helpers import door_with_token, event_today, guest
from limit_helpers import from_ip, let_time_pass

from eventdesk.auth.models import Role, User
from eventdesk.checkin import doors
from eventdesk.db import db
from eventdesk.events.models import EventStatus


def _door_with_pin(event, now, name="Hoofdingang"):
    door = doors.create_door(event, name=name, now=now)
    pin = doors.issue_pin(door)
    db.session.commit()
    wrong = next(guess for guess in ("000000", "111111", "222222") if guess != pin)
    return door, pin, wrong


def test_wrong_pins_slow_one_address_not_the_volunteer_elsewhere(app, make_event, now):
    event = event_today(make_event, now)
    _, pin, wrong = _door_with_pin(event, now)
    page = f"/events/{event.slug}/checkin/pin"
    stranger = app.test_client()
    for _attempt in range(10):
        assert stranger.post(page, data={"pin": wrong}, **from_ip("203.0.113.9")).status_code == 422
    refused = stranger.post(page, data={"pin": pin}, **from_ip("203.0.113.9"))
    assert refused.status_code == 429  # the right PIN is not even checked now
    # 15 s after the first try (minus the time the ten tries took), said in words too.
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 15
    assert f"Te veel pogingen. Wacht {wait} seconden" in refused.get_data(as_text=True)
    # The volunteer's tablet elsewhere opens the door at once: no door is locked.
    volunteer = app.test_client()
    assert volunteer.post(page, data={"pin": pin}, **from_ip("198.51.100.7")).status_code == 302
    let_time_pass(15)
    assert stranger.post(page, data={"pin": wrong}, **from_ip("203.0.113.9")).status_code == 422
    assert stranger.post(page, data={"pin": wrong}, **from_ip("203.0.113.9")).status_code == 429


def test_pin_guessing_from_many_addresses_is_slowed_but_not_known_tablets(
    app, make_event, now
):
    event = event_today(make_event, now)
    _, pin, wrong = _door_with_pin(event, now)
    page = f"/events/{event.slug}/checkin/pin"
    tablet = app.test_client()
    assert tablet.post(page, data={"pin": pin}, **from_ip("198.51.100.7")).status_code == 302
    tablet.post(f"/events/{event.slug}/checkin/leave")
    botnet = app.test_client()
    for number in range(20):
        response = botnet.post(page, data={"pin": wrong}, **from_ip(f"203.0.113.{number}"))
        assert response.status_code == 422
    refused = botnet.post(page, data={"pin": pin}, **from_ip("203.0.113.200"))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 600
    # The tablet that opened a door of this event before is not slowed.
    assert tablet.post(page, data={"pin": pin}, **from_ip("198.51.100.7")).status_code == 302


def test_parallel_wrong_pins_get_only_the_allowance_checked(app, make_event, now, monkeypatch):
    event = event_today(make_event, now)
    _, _, wrong = _door_with_pin(event, now)
    slug = event.slug
    db.session.commit()  # end this thread's transaction: on SQLite it holds the lock
    checked = []
    real_check = doors.check_pin

    def counting_check(door, pin):
        checked.append(pin)
        return real_check(door, pin)

    monkeypatch.setattr(doors, "check_pin", counting_check)
    start = threading.Barrier(16)

    def attempt(_number: int) -> int:
        client = app.test_client()
        start.wait(timeout=30)
        return client.post(
            f"/events/{slug}/checkin/pin", data={"pin": wrong}, **from_ip("203.0.113.9")
        ).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = sorted(pool.map(attempt, range(16)))
    assert statuses == [422] * 10 + [429] * 6
    assert len(checked) == 10


def test_door_staff_search_and_scan_published_events_only(app, make_event, now):
    draft = event_today(make_event, now, status=EventStatus.DRAFT)
    published = event_today(make_event, now)
    for event in (draft, published):
        guest(event, f"jan@{event.slug}.example.org", now, name="Jan Bakker")
    staff = app.test_client()
    login(staff, make_user(Role.DOOR, "door@example.org"))
    search = "/api/v1/events/{}/checkins/search?q=bakker"
    assert staff.get(search.format(draft.slug)).status_code == 401
    assert staff.get(f"/events/{draft.slug}/checkin").status_code == 401
    found = staff.get(search.format(published.slug)).get_json()["results"]
    assert [result["email"] for result in found] == [f"jan@{published.slug}.example.org"]
    # The organiser still prepares the draft's door.
    organiser = app.test_client()
    login(organiser, make_user(Role.ORGANISER, "org@example.org"))
    assert organiser.get(search.format(draft.slug)).status_code == 200


def test_volunteers_see_names_and_organisations_but_no_addresses(app, make_event, now):
    event = event_today(make_event, now)
    guest(event, "zoe@tatasteel.example.com", now, name="Zoë de Vries", organisation="Tata")
    _, token = door_with_token(event, "Hoofdingang", now)
    _, pin, _ = _door_with_pin(event, now, name="Zijingang")
    search = f"/api/v1/events/{event.slug}/checkins/search?q="
    volunteer = app.test_client()
    assert volunteer.post(f"/events/{event.slug}/checkin/pin", data={"pin": pin}).status_code == 302
    kiosk = {"headers": {"Authorization": f"Bearer {token}"}}
    for client, extra in ((volunteer, {}), (app.test_client(), kiosk)):
        found = client.get(search + "vries", **extra).get_json()["results"]
        assert found == [{
            "id": found[0]["id"], "name": "Zoë de Vries", "organisation": "Tata",
            "status": "confirmed", "checked_in_at": None, "checked_in_time": None,
        }]
        # Part of an address finds nobody; the whole address the guest says does.
        assert client.get(search + "tatasteel", **extra).get_json()["results"] == []
        whole = client.get(search + "Zoe@TataSteel.example.com", **extra).get_json()["results"]
        assert [result["name"] for result in whole] == ["Zoë de Vries"]
        assert "tatasteel" not in client.get(search + "zo", **extra).get_data(as_text=True)


def test_the_current_password_check_is_slowed_like_a_login(app):
    user = make_user(Role.ORGANISER, "org@example.org")
    client = app.test_client()
    login(client, user)
    change = {"new": "a new long password", "confirm": "a new long password"}
    for _attempt in range(5):
        response = client.post("/account/password", data={"current": "guess", **change})
        assert response.status_code == 422
    response = client.post("/account/password", data={"current": PASSWORD, **change})
    assert response.status_code == 429
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)
    # Login from the same address is slowed by the same count.
    assert app.test_client().post(
        "/login", data={"email": user.email, "password": PASSWORD}
    ).status_code == 429
