"""Registration rules, called directly."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from eventdesk.db import db
from eventdesk.events.models import EventStatus
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration import errors, seats, service
from eventdesk.registration.models import RegistrationStatus


def register(event, email, now, **kwargs):
    outcome = service.register(
        event, name=kwargs.pop("name", "Zoë de Vries"), email=email, now=now, **kwargs
    )
    db.session.commit()
    return outcome


def test_confirms_while_seats_last_then_waitlists_in_order(make_event, now):
    event = make_event(capacity=2)
    first = register(event, "a@example.org", now).registration
    second = register(event, "b@example.org", now).registration
    third = register(event, "c@example.org", now).registration
    fourth = register(event, "d@example.org", now).registration

    assert [r.status for r in (first, second, third, fourth)] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.WAITLISTED,
    ]
    assert first.ticket_code and first.ticket_code != second.ticket_code
    assert third.ticket_code is None
    assert seats.waitlist_position(third) == 1
    assert seats.waitlist_position(fourth) == 2
    assert event.confirmed_count == 2


def test_last_seat_gone_after_the_event_was_read_waitlists_with_one_mail(make_event, now):
    # The request read the event with one seat free; another guest took it
    # before this registration got to the seat counter.
    event = make_event(capacity=1)
    events = type(event).__table__
    db.session.execute(update(events).where(events.c.id == event.id).values(confirmed_count=1))
    assert event.seats_left == 1

    outcome = service.register(event, name="Late", email="late@example.org", now=now)
    db.session.commit()

    late = outcome.registration
    assert outcome.created
    assert late.status == RegistrationStatus.WAITLISTED and late.ticket_code is None
    assert db.session.scalar(select(func.count()).select_from(type(late))) == 1
    kinds = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.registration_id == late.id)
    ).all()
    assert kinds == ["waitlisted"]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert event.confirmed_count == 1


def test_cancel_frees_the_seat_and_promotes_the_first_waiting(make_event, now):
    event = make_event(capacity=1)
    first = register(event, "a@example.org", now).registration
    waiting = register(event, "b@example.org", now).registration

    promoted = service.cancel_registration(first, now=now)
    db.session.commit()

    assert promoted == [waiting]
    assert first.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert waiting.ticket_code
    assert event.confirmed_count == 1


def test_cancelling_twice_is_refused_and_frees_one_seat(make_event, now):
    event = make_event(capacity=5)
    registration = register(event, "a@example.org", now).registration
    service.cancel_registration(registration, now=now)
    db.session.commit()
    with pytest.raises(errors.AlreadyCancelled):
        service.cancel_registration(registration, now=now)
    assert event.confirmed_count == 0


def test_same_email_twice_creates_no_duplicate(make_event, now):
    event = make_event()
    first = register(event, "Guest@Example.org", now)
    again = register(event, " guest@example.ORG ", now, name="Someone Else")

    assert first.created and not again.created
    assert again.registration.id == first.registration.id
    assert again.registration.name == "Zoë de Vries"
    assert event.confirmed_count == 1


def test_cancelled_guest_can_register_again(make_event, now):
    event = make_event()
    registration = register(event, "a@example.org", now).registration
    old_code = registration.ticket_code
    service.cancel_registration(registration, now=now)
    db.session.commit()

    outcome = register(event, "a@example.org", now, name="Ümit Yılmaz")

    assert outcome.created and outcome.registration.id == registration.id
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.ticket_code != old_code
    assert event.confirmed_count == 1


@pytest.mark.parametrize(
    ("fields", "window"),
    [
        ({"status": EventStatus.DRAFT}, "unpublished"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"registration_closed": True}, "closed"),
    ],
)
def test_registration_refused_outside_the_window(make_event, now, fields, window):
    event = make_event(**fields)
    with pytest.raises(errors.RegistrationNotOpen) as error:
        service.register(event, name="A", email="a@example.org", now=now)
    assert error.value.window == window


def test_registration_refused_before_opening_and_after_closing(make_event, now):
    event = make_event(
        registration_opens_at=now + timedelta(days=1),
        registration_closes_at=now + timedelta(days=2),
    )
    with pytest.raises(errors.RegistrationNotOpen):
        service.register(event, name="A", email="a@example.org", now=now)
    with pytest.raises(errors.RegistrationNotOpen):
        service.register(event, name="A", email="a@example.org", now=now + timedelta(days=3))
    assert service.register(
        event, name="A", email="a@example.org", now=now + timedelta(days=1, hours=1)
    )


def test_repeats_mail_the_guest_once_per_pause(make_event, now):
    event = make_event()
    register(event, "a@example.org", now)
    for _ in range(3):
        register(event, "a@example.org", now)
    reminders = db.session.scalar(select(func.count()).where(OutboxMessage.kind == "reminder"))
    assert reminders == 1
