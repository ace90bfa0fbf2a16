"""The ticket mail is built before the seat is taken; it must match what was stored."""

import email
from email import policy

from sqlalchemy import select, update

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration import service
from eventdesk.registration.models import RegistrationStatus


def _mails(registration) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)))


def _decoded_text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=policy.default)
    return "\n".join(part.get_content() for part in message.walk()
                     if part.get_content_maintype() == "text")


def test_prepared_ticket_mail_shows_the_stored_code_and_link(make_event, now):
    event = make_event(capacity=5)
    outcome = service.register(event, name="Ada", email="ada@example.org", now=now)
    registration = outcome.registration
    assert registration.status == RegistrationStatus.CONFIRMED
    [mail] = _mails(registration)
    assert mail.kind == "confirmed"
    text = _decoded_text(mail.raw)
    assert registration.ticket_code in text
    assert registration.manage_token in text
    assert registration.uid in text  # the calendar UID


def test_seat_taken_while_the_mail_was_built_means_waitlisted(make_event, now):
    event = make_event(capacity=1)
    # Another server takes the last seat; this session still believes one is free.
    table = Event.__table__
    db.session.execute(update(table).where(table.c.id == event.id).values(confirmed_count=1))
    assert event.seats_left == 1

    registration = service.register(event, name="Bo", email="bo@example.org", now=now).registration

    assert registration.status == RegistrationStatus.WAITLISTED
    assert registration.ticket_code is None
    assert [mail.kind for mail in _mails(registration)] == ["waitlisted"]
    assert db.session.get(Event, event.id).confirmed_count == 1
