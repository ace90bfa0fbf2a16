"""Confirmations racing for the last seat, against a real database (SQLite, or PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from eventdesk.db import db, utcnow
from eventdesk.events.models import Event
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration import confirmation, service
from eventdesk.registration.models import Registration, RegistrationStatus


def held(event, count: int, now) -> list[int]:
    ids = [
        service.register(event, name=f"Held {n}", email=f"held{n}@example.org", now=now,
                         confirm_address=True).registration.id
        for n in range(count)
    ]
    db.session.commit()
    return ids


def confirm_all_at_once(app, ids: list[int]) -> list[bool]:
    start = threading.Barrier(len(ids))

    def confirm(registration_id: int) -> bool:
        with app.app_context():
            registration = db.session.get(Registration, registration_id)
            db.session.commit()  # end the read: on SQLite it would hold up the others
            start.wait(timeout=30)
            try:
                done = confirmation.confirm_address(registration, now=utcnow())
                db.session.commit()
                return done
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(ids)) as pool:
        return list(pool.map(confirm, ids))


def statuses(event_id: int) -> dict:
    db.session.expire_all()
    return dict(db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event_id).group_by(Registration.status)
    ).all())


def test_eight_confirmations_for_the_last_seat(app, make_event, now):
    event = make_event(capacity=3)
    for n in range(2):
        service.register(event, name=f"Early {n}", email=f"early{n}@example.org", now=now)
    event_id = event.id
    ids = held(event, 8, now)

    assert confirm_all_at_once(app, ids) == [True] * 8

    assert statuses(event_id) == {
        RegistrationStatus.CONFIRMED: 3, RegistrationStatus.WAITLISTED: 7,
    }
    assert db.session.get(Event, event_id).confirmed_count == 3
    winners = db.session.scalars(select(Registration).where(
        Registration.id.in_(ids), Registration.status == RegistrationStatus.CONFIRMED
    )).all()
    assert len(winners) == 1 and winners[0].ticket_code
    tickets = db.session.scalar(select(func.count()).where(
        OutboxMessage.registration_id.in_(ids), OutboxMessage.kind == "confirmed"
    ))
    assert tickets == 1


def test_one_link_clicked_eight_times_at_once_takes_one_seat(app, make_event, now):
    event = make_event(capacity=5)
    event_id = event.id
    [registration_id] = held(event, 1, now)

    assert sorted(confirm_all_at_once(app, [registration_id] * 8)) == [False] * 7 + [True]

    assert statuses(event_id) == {RegistrationStatus.CONFIRMED: 1}
    assert db.session.get(Event, event_id).confirmed_count == 1
    tickets = db.session.scalar(select(func.count()).where(
        OutboxMessage.registration_id == registration_id, OutboxMessage.kind == "confirmed"
    ))
    assert tickets == 1
