"""The offline door on the server: its snapshot, delta feed, queued scans and conflicts."""

from datetime import timedelta

from checkin_helpers import api, cancel, door_with_token, event_today, guest
from sqlalchemy import select

from eventdesk.checkin import doors
from eventdesk.checkin.models import CheckinConflict, ConflictKind, Door, Scan
from eventdesk.checkin.offline import code_hash
from eventdesk.db import db, utcnow
from eventdesk.registration.models import Registration


def snapshot(client, event, token, since=None):
    query = f"?since={since}" if since else ""
    return client.get(f"/api/v1/events/{event.slug}/checkins/snapshot{query}",
                      headers={"Authorization": f"Bearer {token}"})


def iso(at):
    return at.isoformat().replace("+00:00", "Z")


def test_snapshot_holds_hashes_not_codes_nor_addresses_and_a_delta_follows(
        client, make_event, now):
    event = event_today(make_event, utcnow())
    ann = guest(event, "ann@example.org", utcnow(), name="Ann", organisation="Acme")
    _door, token = door_with_token(event, "Ingang 1", utcnow())
    answer = snapshot(client, event, token)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    data = answer.get_json()
    assert data["full"] is True and len(data["key"]) == 44
    assert data["tickets"] == [[code_hash(ann.ticket_code), ann.id, "Ann", "Acme", "confirmed",
                                None, None]]
    assert ann.ticket_code not in answer.text and "ann@example.org" not in answer.text
    # Look-alikes typed by hand hash the same as the real code.
    typed = ann.ticket_code[:3] + ann.ticket_code[3:].replace("O", "0").replace("I", "1")
    assert code_hash(typed.lower()) == code_hash(ann.ticket_code)

    cursor = data["cursor"]
    bob = guest(event, "bob@example.org", utcnow(), name="Bob")
    assert api(client, event, token=token, code=ann.ticket_code).get_json()["status"] == "ok"
    delta = snapshot(client, event, token, since=cursor).get_json()
    assert delta["full"] is False
    by_id = {row[1]: row for row in delta["tickets"]}
    assert by_id[bob.id][2] == "Bob"
    assert by_id[ann.id][5] is not None and by_id[ann.id][6] == "Ingang 1"


def test_queued_scans_keep_their_time_and_the_earliest_check_in_wins(client, make_event, now):
    event = event_today(make_event, utcnow())
    ann = guest(event, "ann@example.org", utcnow(), name="Ann")
    door_a, token_a = door_with_token(event, "Ingang 1", utcnow())
    door_b, token_b = door_with_token(event, "Ingang 2", utcnow())
    early, late = utcnow() - timedelta(minutes=10), utcnow() - timedelta(minutes=5)

    first = api(client, event, token=token_b, registration=ann.id, nonce="b1", offline_at=iso(late))
    assert first.get_json()["status"] == "ok"
    # Door A admitted the same guest earlier while offline: its check-in stands.
    second = api(client, event, token=token_a, registration=ann.id, nonce="a1",
                 offline_at=iso(early)).get_json()
    assert second["status"] == "ok"
    # Sent again (a retry): answered from the log, no second conflict.
    api(client, event, token=token_a, registration=ann.id, nonce="a1", offline_at=iso(early))
    db.session.expire_all()
    ann = db.session.get(Registration, ann.id)
    assert abs((ann.checked_in_at - early).total_seconds()) < 1
    assert ann.checked_in_door_id == door_a.id
    conflicts = db.session.scalars(select(CheckinConflict)).all()
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.kind == ConflictKind.TWICE
    assert (conflict.kept_door_id, conflict.other_door_id) == (door_a.id, door_b.id)
    assert abs((conflict.other_at - late).total_seconds()) < 1
    scans = db.session.scalars(select(Scan).order_by(Scan.at)).all()
    assert len(scans) == 2
    assert all(abs((s.at - t).total_seconds()) < 1
               for s, t in zip(scans, [early, late], strict=True))


def test_a_later_offline_scan_is_a_conflict_and_a_cancelled_ticket_is_flagged(
        client, make_event, now):
    event = event_today(make_event, utcnow())
    ann = guest(event, "ann@example.org", utcnow(), name="Ann")
    cas = guest(event, "cas@example.org", utcnow(), name="Cas")
    door_a, token_a = door_with_token(event, "Ingang 1", utcnow())
    assert api(client, event, token=token_a, code=ann.ticket_code).get_json()["status"] == "ok"
    _door_b, token_b = door_with_token(event, "Ingang 2", utcnow())
    later = iso(utcnow() + timedelta(seconds=1))
    answer = api(client, event, token=token_b, registration=ann.id, nonce="b1",
                 offline_at=later).get_json()
    assert answer["reason"] == "already_checked_in" and answer["door"] == "Ingang 1"

    cancel(cas, utcnow())
    flagged = api(client, event, token=token_b, registration=cas.id, nonce="b2",
                  offline_at=iso(utcnow() - timedelta(minutes=3))).get_json()
    assert flagged["reason"] == "cancelled"
    kinds = sorted(c.kind for c in db.session.scalars(select(CheckinConflict)))
    assert kinds == [ConflictKind.CANCELLED, ConflictKind.TWICE]
    assert db.session.get(Registration, cas.id).checked_in_at is None


def test_bad_scan_times_and_revoked_doors_are_refused(client, make_event, now):
    event = event_today(make_event, utcnow())
    ann = guest(event, "ann@example.org", utcnow(), name="Ann")
    door, token = door_with_token(event, "Ingang 1", utcnow())
    for bad in ("yesterday", iso(utcnow() - timedelta(days=3)), 5, "2026-12-01T10:00:00"):
        answer = api(client, event, token=token, registration=ann.id, offline_at=bad)
        assert answer.status_code == 400 and answer.get_json()["reason"] == "bad_time"
    doors.revoke_door(db.session.get(Door, door.id), now=utcnow())
    db.session.commit()
    answer = api(client, event, token=token, registration=ann.id, offline_at=iso(utcnow()))
    assert answer.status_code == 401
    assert snapshot(client, event, token).status_code == 401


def test_the_organiser_sees_conflicts_on_the_dashboard_and_the_attendee_page(
        client, make_event, now):
    from backoffice import login, make_user

    from eventdesk.auth.models import Role

    event = event_today(make_event, utcnow())
    ann = guest(event, "ann@example.org", utcnow(), name="Ann Smit")
    _door_a, token_a = door_with_token(event, "Ingang 1", utcnow())
    _door_b, token_b = door_with_token(event, "Zijdeur", utcnow())
    api(client, event, token=token_b, registration=ann.id, nonce="b",
        offline_at=iso(utcnow() - timedelta(minutes=2)))
    api(client, event, token=token_a, registration=ann.id, nonce="a",
        offline_at=iso(utcnow() - timedelta(minutes=7)))
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    dashboard = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    assert "Conflicten bij de ingang" in dashboard and "Twee keer toegelaten" in dashboard
    assert "Ann Smit" in dashboard and "Ingang 1" in dashboard and "Zijdeur" in dashboard
    page = client.get(f"/organiser/events/{event.slug}/attendees/{ann.id}").get_data(as_text=True)
    assert "Twee keer toegelaten" in page and "Zijdeur" in page


def test_logging_out_at_the_door_leads_to_the_login_form_and_back(client, make_event, now):
    from backoffice import login, make_user

    from eventdesk.auth.models import Role

    event = event_today(make_event, utcnow())
    login(client, make_user(Role.DOOR, "door@example.org"))
    page = client.get(f"/events/{event.slug}/checkin").get_data(as_text=True)
    assert f'action="/events/{event.slug}/checkin/logout"' in page
    assert 'class="site-header"' in page  # in the page, hidden by the kiosk's style sheet
    answer = client.post(f"/events/{event.slug}/checkin/logout")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"?next=/events/{event.slug}/checkin")
    assert client.get(f"/events/{event.slug}/checkin").status_code == 401


def queued(client, event, token, *scans):
    return client.post(f"/api/v1/events/{event.slug}/checkins/queued", json={"scans": list(scans)},
                       headers={"Authorization": f"Bearer {token}"})


def test_scans_refused_offline_reach_the_scan_log_with_their_time(client, make_event, now):
    event = event_today(make_event, utcnow())
    ann = guest(event, "ann@example.org", utcnow(), name="Ann")
    bob = guest(event, "bob@example.org", utcnow(), name="Bob")
    cancel(bob, utcnow())
    door, token = door_with_token(event, "Ingang 1", utcnow())
    first, second = utcnow() - timedelta(minutes=9), utcnow() - timedelta(minutes=8)
    batch = [
        {"registration": ann.id, "nonce": "a1", "offline_at": iso(first)},
        {"refused": "already_checked_in", "registration": ann.id, "code": ann.ticket_code,
         "nonce": "a2", "offline_at": iso(second)},
        {"refused": "cancelled", "registration": bob.id, "code": bob.ticket_code, "nonce": "b1",
         "offline_at": iso(second)},
        {"refused": "unknown", "registration": None, "code": "ED1NOSUCHCODE", "nonce": "x1",
         "offline_at": iso(second)},
        {"refused": "ok", "registration": ann.id, "nonce": "x2", "offline_at": iso(second)},
    ]
    answers = queued(client, event, token, *batch).get_json()["results"]
    assert [(a["status"], a["reason"]) for a in answers] == [
        ("ok", None), ("error", "already_checked_in"), ("error", "cancelled"),
        ("error", "unknown"), ("error", "bad_reason")]
    # Sent twice (the tablet lost the answer): recorded once.
    assert queued(client, event, token, *batch[1:4]).status_code == 200
    db.session.expire_all()
    scans = db.session.scalars(select(Scan).order_by(Scan.id)).all()
    assert [(s.registration_id, s.status, s.reason, s.nonce) for s in scans] == [
        (ann.id, "ok", None, "a1"), (ann.id, "error", "already_checked_in", "a2"),
        (bob.id, "error", "cancelled", "b1"), (None, "error", "unknown", "x1")]
    assert [s.at.replace(tzinfo=None) for s in scans[1:]] == [second.replace(tzinfo=None)] * 3
    assert scans[3].raw_code == "ED1NOSUCHCODE" and all(s.door_id == door.id for s in scans)
    # A refusal changes nothing: Ann stays in from the first scan, Bob stays out, no conflict.
    assert db.session.get(Registration, ann.id).checked_in_at.replace(tzinfo=None) == (
        first.replace(tzinfo=None))
    assert db.session.get(Registration, bob.id).checked_in_at is None
    assert db.session.scalar(select(CheckinConflict)) is None
