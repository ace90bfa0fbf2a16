"""The demo event gets guests the back office can show."""

from sqlalchemy import func, select

from eventdesk.db import db, utcnow
from eventdesk.demo import seed_demo
from eventdesk.organiser.demo_guests import seed_demo_guests
from eventdesk.registration.models import Registration, RegistrationStatus


def test_demo_guests_are_added_once(app):
    event = seed_demo(now=utcnow())
    assert seed_demo_guests(event, now=utcnow(), count=30) == 30
    assert seed_demo_guests(event, now=utcnow()) == 0
    db.session.commit()
    confirmed = db.session.scalar(select(func.count()).where(
        Registration.status == RegistrationStatus.CONFIRMED))
    assert confirmed == event.confirmed_count == 30
    guest = db.session.scalar(select(Registration).limit(1))
    assert guest.ticket_code and set(guest.answers) <= {str(q.id) for q in event.questions}
