"""Bearer-token scans: no cookie session, the same answers as a door session gets,
and a scan that races an undo."""

from datetime import timedelta

from checkin_helpers import api, door_with_token, event_today, guest
from sqlalchemy import event as sa_event

from eventdesk.auth.models import Role, User
from eventdesk.checkin import doors, service
from eventdesk.db import db


def test_bearer_call_neither_reads_nor_writes_the_cookie_session(client, make_event, now):
    event = event_today(make_event, now)
    other = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    _, token = door_with_token(event, "Hoofdingang", now)
    _, other_token = door_with_token(other, "Hoofdingang", now)
    admin = User(email="admin@example.org", name="Admin", role=Role.ADMIN)
    admin.set_password("correct horse battery")
    db.session.add(admin)
    db.session.commit()
    login = client.post("/login", data={"email": "admin@example.org",
                                        "password": "correct horse battery"})
    assert login.status_code == 302

    answer = api(client, event, token=token, code=registration.ticket_code)
    assert answer.get_json()["status"] == "ok"
    assert "Set-Cookie" not in answer.headers and "Vary" not in answer.headers
    # The admin's cookie would open this event's door; a bearer call is judged by its token.
    wrong = api(client, event, token=other_token, code=registration.ticket_code)
    assert wrong.status_code == 401 and "Set-Cookie" not in wrong.headers
    # The browser session itself is untouched and still logged in.
    counts = client.get(f"/api/v1/events/{event.slug}/checkins/counts")
    assert counts.get_json() == {"checked_in": 1, "expected": 1}
    assert "Cookie" in counts.headers.get("Vary", "")


def test_bearer_and_door_session_give_the_same_answers(client, app, make_event, now):
    # A zone far from Amsterdam, so a wrong zone shows in the local time.
    event = event_today(make_event, now, timezone="Asia/Tokyo")
    first = guest(event, "a@example.org", now, name="Zoë de Vries", organisation="Tata")
    second = guest(event, "b@example.org", now, name="Jan Bakker")
    _, token = door_with_token(event, "Hoofdingang", now)
    side = doors.create_door(event, name="Zijingang", now=now)
    pin = doors.issue_pin(side)
    db.session.commit()
    tablet = app.test_client()
    page = f"/events/{event.slug}/checkin"
    assert tablet.post(page + "/pin", data={"pin": pin}).status_code == 302

    by_token = api(client, event, token=token, code=first.ticket_code).get_json()
    by_tablet = api(tablet, event, code=second.ticket_code).get_json()
    local = by_token["checked_in_at"]
    seen = ((by_token, first, "Hoofdingang"), (by_tablet, second, "Zijingang"))
    for answer, who, door in seen:
        assert answer["status"] == "ok" and answer["door"] == door
        assert answer["attendee"] == {"id": who.id, "name": who.name,
                                      "organisation": who.organisation, "status": "confirmed"}
    db.session.expire_all()
    at = first.checked_in_at
    assert local == at.isoformat().replace("+00:00", "Z")
    assert by_token["checked_in_time"] == at.astimezone(event.zone).strftime("%H:%M")

    # Each door sees the other's check-in, with its time in the event's zone and its name.
    again_by_token = api(client, event, token=token, code=second.ticket_code).get_json()
    again_by_tablet = api(tablet, event, code=first.ticket_code).get_json()
    assert again_by_token["reason"] == again_by_tablet["reason"] == "already_checked_in"
    assert again_by_tablet["door"] == "Hoofdingang"
    assert again_by_tablet["checked_in_time"] == by_token["checked_in_time"]
    assert again_by_token["door"] == "Zijingang"
    assert again_by_token["checked_in_time"] == by_tablet["checked_in_time"]

    undone = client.post(f"/api/v1/events/{event.slug}/checkins/undo",
                         json={"registration": first.id},
                         headers={"Authorization": f"Bearer {token}"}).get_json()
    assert undone["status"] == "ok" and undone["attendee"]["id"] == first.id
    assert api(tablet, event, code=first.ticket_code).get_json()["door"] == "Zijingang"


def test_scan_that_races_an_undo_admits_the_guest(app, make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    door, _ = door_with_token(event, "Hoofdingang", now)
    assert service.check_in(event, registration.ticket_code, door=door, nonce=None, now=now).ok
    db.session.commit()
    undone = []

    def undo_before_the_explaining_read(conn, cursor, statement, *args):
        # Another door's undo lands between this scan's UPDATE and its read.
        if not undone and "AS door_name" in statement:
            undone.append(statement)
            other = cursor.connection.cursor()
            other.execute("UPDATE registrations SET checked_in_at = NULL, "
                          "checked_in_door_id = NULL")
            other.close()

    sa_event.listen(db.engine, "before_cursor_execute", undo_before_the_explaining_read)
    try:
        later = now + timedelta(minutes=5)
        result = service.check_in(event, registration.ticket_code, door=door, nonce=None,
                                  now=later)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", undo_before_the_explaining_read)
    db.session.commit()
    assert undone and result.ok and result.checked_in_at == later
    db.session.refresh(registration)
    assert registration.checked_in_at == later
