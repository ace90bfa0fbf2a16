"""Many doors scanning one ticket at the same instant: exactly one gets in.

Real threads, each with its own session and connection, against the test
database (an SQLite file, or PostgreSQL when TEST_DATABASE_URL is set).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from checkin_helpers import door_with_token, event_today, guest
from sqlalchemy import func, select

from eventdesk.checkin import service
from eventdesk.checkin.models import Door, Scan
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event
from eventdesk.registration.models import Registration

THREADS = 8


def race(app, jobs):
    """Run ``jobs`` (event_id, door_id, code, nonce) at once; return the result statuses."""
    # The test's own session may hold SQLite's write lock from reading; let go.
    db.session.commit()
    barrier = threading.Barrier(len(jobs))

    def run(job):
        event_id, door_id, code, nonce = job
        with app.app_context():
            event = db.session.get(Event, event_id)
            door = db.session.get(Door, door_id)
            # End the reading transaction: on SQLite it holds the write lock.
            db.session.commit()
            barrier.wait(timeout=10)
            result = service.check_in(event, code, door=door, nonce=nonce, now=utcnow())
            db.session.commit()
            answer = (result.status, result.reason, result.checked_in_at)
            db.session.remove()
            return answer

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_n_doors_one_code_exactly_one_ok(app, make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    door_ids = [door_with_token(event, f"Deur {n}", now)[0].id for n in range(THREADS)]
    code = registration.ticket_code

    jobs = [(event.id, door_id, code, f"nonce-{n}") for n, door_id in enumerate(door_ids)]
    answers = race(app, jobs)

    statuses = sorted((status, reason) for status, reason, _ in answers)
    assert statuses == [("error", "already_checked_in")] * (THREADS - 1) + [("ok", None)]
    assert len({at for _, _, at in answers}) == 1  # every door sees the one check-in time
    db.session.expire_all()
    checked = db.session.get(Registration, registration.id)
    assert checked.checked_in_door_id in door_ids
    assert db.session.scalar(select(func.count()).select_from(Scan)) == THREADS


def test_one_door_retrying_one_nonce_at_once_gives_one_answer(app, make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    door, _ = door_with_token(event, "Hoofdingang", now)

    answers = race(app, [(event.id, door.id, registration.ticket_code, "same")] * THREADS)

    assert {(status, reason) for status, reason, _ in answers} == {("ok", None)}
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1


def test_two_doors_registering_one_walk_in_address_at_once(app, make_event, now):
    from eventdesk.checkin.walkin import walk_in

    event = event_today(make_event, now, capacity=10)
    door_ids = [door_with_token(event, f"Deur {n}", now)[0].id for n in range(2)]
    event_id = event.id
    db.session.commit()
    barrier = threading.Barrier(2)

    def run(door_id):
        with app.app_context():
            door = db.session.get(Door, door_id)
            event = db.session.get(Event, event_id)
            db.session.commit()
            barrier.wait(timeout=10)
            result = walk_in(event, name="Piet", email="piet@example.org", door=door,
                             nonce=None, now=utcnow())
            db.session.commit()
            answer = (result.status, result.reason)
            db.session.remove()
            return answer

    with ThreadPoolExecutor(2) as pool:
        answers = sorted(pool.map(run, door_ids))

    assert answers == [("error", "already_registered"), ("ok", None)]
    db.session.expire_all()
    assert db.session.get(Event, event_id).confirmed_count == 1
