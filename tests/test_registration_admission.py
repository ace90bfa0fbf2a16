"""The front door (admission.admit) and the one notify step (notify.announce)."""

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update

from eventdesk.db import db
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration import notify, service
from eventdesk.registration.admission import Guest, admit
from eventdesk.registration.errors import NoSeatFree
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.registration.outcomes import Happened
from eventdesk.registration.seats import Seating


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _fill_behind_its_back(event, seats: int) -> None:
    # Another request took the seats after this one read the event.
    events = type(event).__table__
    db.session.execute(update(events).where(events.c.id == event.id).values(confirmed_count=seats))


def test_a_lost_seat_race_queues_nothing_it_must_take_back(make_event, now):
    event = make_event(capacity=1)
    _fill_behind_its_back(event, 1)
    assert event.seats_left == 1
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement.lower())

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        outcome = service.register(event, name="Late", email="late@example.org", now=now)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)

    assert outcome.happened == Happened.WAITLISTED
    outbox_deletes = [s for s in statements if s.startswith("delete from outbox")]
    assert outbox_deletes == []
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds == ["waitlisted"]


def test_admit_queues_no_mail_and_announce_queues_what_happened(make_event, now):
    event = make_event(capacity=1)
    seated = admit(event, Guest(name="Ada", email="ada@example.org"), now=now)
    waiting = admit(event, Guest(name="Bob", email="bob@example.org"), now=now)
    again = admit(event, Guest(name="Ada", email="ADA@example.org"), now=now)

    assert (seated.happened, waiting.happened, again.happened) == (
        Happened.SEATED, Happened.WAITLISTED, Happened.REPEATED,
    )
    assert again.registration.id == seated.registration.id and not again.created
    assert _count(OutboxMessage) == 0

    notify.announce(seated, waiting)
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["confirmed", "waitlisted"]


def test_a_required_seat_at_a_full_event_writes_nothing(make_event, now):
    event = make_event(capacity=1)
    admit(event, Guest(name="Ada", email="ada@example.org"), now=now)
    with pytest.raises(NoSeatFree):
        admit(event, Guest(name="Bob", email="bob@example.org"), now=now,
              seating=Seating.REQUIRED)
    # Also when the event still looked as if it had a seat.
    other = make_event(capacity=1)
    _fill_behind_its_back(other, 1)
    with pytest.raises(NoSeatFree):
        admit(other, Guest(name="Cas", email="cas@example.org"), now=now,
              seating=Seating.REQUIRED)
    db.session.flush()
    assert _count(Registration) == 1
    db.session.expire_all()
    assert event.confirmed_count == 1 and other.confirmed_count == 1


def test_a_forced_seat_counts_past_the_capacity(make_event, now):
    event = make_event(capacity=1)
    admit(event, Guest(name="Ada", email="ada@example.org"), now=now)
    outcome = admit(event, Guest(name="Walk-in"), now=now, seating=Seating.FORCED,
                    key="walk-in:1")

    assert outcome.happened == Happened.SEATED and outcome.forced
    assert outcome.registration.status == RegistrationStatus.CONFIRMED
    assert outcome.registration.ticket_code
    assert event.confirmed_count == 2


def test_a_cancelled_address_starts_again_only_when_allowed(make_event, now):
    event = make_event(capacity=5)
    first = admit(event, Guest(name="Ada", email="ada@example.org"), now=now).registration
    service.withdraw(first, now=now)

    refused = admit(event, Guest(name="Ada", email="ada@example.org"), now=now, start_again=())
    assert refused.happened == Happened.REPEATED
    assert refused.registration.status == RegistrationStatus.CANCELLED

    back = admit(event, Guest(name="Ada L.", email="ada@example.org"), now=now)
    assert back.happened == Happened.SEATED and not back.new_row
    assert back.registration.id == first.id and back.registration.name == "Ada L."
    assert event.confirmed_count == 1
