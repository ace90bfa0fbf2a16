"""Concurrent registrations against a real database (SQLite file, or PostgreSQL in CI)."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from eventdesk.db import db
from eventdesk.registration import service
from eventdesk.registration.models import Registration, RegistrationStatus


def count(event, status) -> int:
    return db.session.scalar(
        select(func.count()).where(Registration.event_id == event.id, Registration.status == status)
    )


def test_fifty_at_once_for_the_last_ten_seats(app, make_event, now):
    event = make_event(capacity=40)
    for number in range(30):
        service.register(event, name=f"Early {number}", email=f"early{number}@example.org", now=now)
    db.session.commit()
    slug, question = event.slug, f"q_{event.questions[0].id}"
    db.session.commit()  # end this thread's transaction: on SQLite it holds the write lock

    start = threading.Barrier(50)

    def register(number: int) -> int:
        client = app.test_client()
        start.wait(timeout=30)
        response = client.post(
            f"/events/{slug}/register",
            data={
                "name": f"Rush {number}",
                "email": f"rush{number}@example.org",
                "consent": "y",
                question: "yes",
            },
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(register, range(50)))

    assert statuses == [302] * 50
    db.session.expire_all()
    assert count(event, RegistrationStatus.CONFIRMED) == 40
    assert count(event, RegistrationStatus.WAITLISTED) == 40
    assert event.confirmed_count == 40


def test_same_address_twice_at_once_makes_one_registration(app, make_event, now):
    event = make_event(capacity=5)
    event_id = event.id
    db.session.commit()
    start = threading.Barrier(8)

    def register(_: int) -> bool:
        start.wait(timeout=30)
        with app.app_context():
            target = db.session.get(type(event), event_id)
            outcome = service.register(target, name="Twin", email="twin@example.org", now=now)
            db.session.commit()
            return outcome.created

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(register, range(8)))

    assert created.count(True) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert event.confirmed_count == 1


def test_cancellations_at_once_promote_each_waiting_guest_once(app, make_event, now):
    event = make_event(capacity=5)
    confirmed = [
        service.register(event, name=f"C{n}", email=f"c{n}@example.org", now=now).registration.id
        for n in range(5)
    ]
    for n in range(5):
        service.register(event, name=f"W{n}", email=f"w{n}@example.org", now=now)
    db.session.commit()
    start = threading.Barrier(5)

    def cancel(registration_id: int) -> None:
        start.wait(timeout=30)
        with app.app_context():
            registration = db.session.get(Registration, registration_id)
            service.cancel_registration(registration, now=now)
            db.session.commit()

    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(cancel, confirmed))

    db.session.expire_all()
    assert count(event, RegistrationStatus.CONFIRMED) == 5
    assert count(event, RegistrationStatus.WAITLISTED) == 0
    assert event.confirmed_count == 5
