"""Prepare an eventdesk database for a benchmark run: schema, events, a door, tickets."""

from dataclasses import dataclass
from datetime import timedelta

from flask_migrate import stamp
from sqlalchemy import delete, func, insert, select, text

from eventdesk import create_app
from eventdesk.checkin import doors
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event, EventStatus, Question, QuestionKind
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.messages.schedule import save_reminder_setting
from eventdesk.registration.codes import new_ticket_code
from eventdesk.registration.models import Registration, RegistrationStatus

SECRET_KEY = "benchmark-secret-key-not-for-production-0123456789"
# The servers listen on loopback; links and trusted hosts come from this address.
BASE_URL = "http://127.0.0.1"
OPEN_SLUG = "bench-open"
DOOR_SLUG = "bench-door"


@dataclass
class Seeded:
    """What the load scripts need to know about the seeded database."""

    question_field: str
    door_token: str
    ticket_codes: list[str]


def app_for(database_url: str):
    """Create an eventdesk app on ``database_url`` as the servers will see it."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY,
                       "BASE_URL": BASE_URL})


def empty_app(database_url: str, **config):
    """Create an app in test mode on an emptied database with eventdesk's tables."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "BASE_URL": BASE_URL,
                      "SQLALCHEMY_DATABASE_URI": database_url, **config})
    with app.app_context():
        if database_url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
    return app


def _event(slug: str, *, capacity: int | None) -> Event:
    now = utcnow()
    event = Event(
        slug=slug,
        status=EventStatus.PUBLISHED,
        title_nl="10 jaar Techport",
        title_en="10 years of Techport",
        description_nl="Vier **tien jaar** Techport mee, met sprekers, demo's en een diner.",
        description_en="Celebrate **ten years** of Techport: talks, demos and a dinner.",
        venue="Techport Centre",
        address="Kanaalstraat 1, 1976 BA IJmuiden",
        timezone="Europe/Amsterdam",
        # Starts soon, so the door is open, and registration still is.
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=6),
        capacity=capacity,
        organiser_email="events@techport.example.org",
    )
    event.questions = [
        Question(position=1, kind=QuestionKind.YES_NO, label_nl="Blijf je eten?",
                 label_en="Staying for dinner?", required=True),
    ]
    db.session.add(event)
    db.session.flush()
    # The events start within the reminder's 24 hours: the server's mail worker
    # would queue a reminder to every seeded guest (tens of thousands) and send
    # it during the figures. The mail measured is the guests' own.
    save_reminder_setting(event, enabled=False, hours_before=24, note_nl="", note_en="")
    return event


def seed(database_url: str, *, tickets: int = 5000) -> Seeded:
    """Create the schema and the benchmark events; return tokens and ticket codes."""
    app = app_for(database_url)
    with app.app_context():
        # The schema comes from the models (the migration may lag behind them
        # while work is in progress); stamping keeps `eventdesk serve` from migrating.
        db.create_all()
        stamp()
        open_event = _event(OPEN_SLUG, capacity=None)
        door_event = _event(DOOR_SLUG, capacity=None)
        door = doors.create_door(door_event, name="Main entrance", now=utcnow())
        token = doors.issue_token(door)
        now = utcnow()
        codes = [new_ticket_code() for _ in range(tickets)]
        db.session.execute(insert(Registration), [
            {"event_id": door_event.id, "status": RegistrationStatus.CONFIRMED,
             "name": f"Guest {n}", "email": f"door{n}@example.org",
             "email_normalized": f"door{n}@example.org", "answers": {}, "ticket_code": code,
             "consented_at": now, "created_at": now, "confirmed_at": now}
            for n, code in enumerate(codes)
        ])
        door_event.confirmed_count = tickets
        question = open_event.questions[0].id
        db.session.commit()
        db.engine.dispose()
    return Seeded(question_field=f"q_{question}", door_token=token, ticket_codes=codes)


def add_event(database_url: str, slug: str, *, capacity: int | None) -> str:
    """Add one more published event; return its question's form field name."""
    app = app_for(database_url)
    with app.app_context():
        event = _event(slug, capacity=capacity)
        field = f"q_{event.questions[0].id}"
        db.session.commit()
        db.engine.dispose()
    return field


@dataclass
class RushCheck:
    """What the database says after a rush."""

    confirmed: int
    waitlisted: int
    registrations: int
    confirmed_count: int
    mails: int
    registrations_without_one_mail: int
    # Arrival order as the database saw it: ids of the last seat and first waiting guest.
    last_confirmed_id: int
    first_waitlisted_id: int
    emails_by_id: list[str]


def check_rush(database_url: str, slug: str) -> RushCheck:
    """Count what a rush left behind: seats, waiting list, queued mail."""
    app = app_for(database_url)
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        rows = db.session.execute(
            select(Registration.id, Registration.status, Registration.email_normalized)
            .where(Registration.event_id == event.id).order_by(Registration.id)
        ).all()
        per_registration = dict(db.session.execute(
            select(OutboxMessage.registration_id, func.count())
            .join(Registration, Registration.id == OutboxMessage.registration_id)
            .where(Registration.event_id == event.id)
            .group_by(OutboxMessage.registration_id)
        ).all())
        confirmed = [r.id for r in rows if r.status == RegistrationStatus.CONFIRMED]
        waiting = [r.id for r in rows if r.status == RegistrationStatus.WAITLISTED]
        result = RushCheck(
            confirmed=len(confirmed),
            waitlisted=len(waiting),
            registrations=len(rows),
            confirmed_count=event.confirmed_count,
            mails=sum(per_registration.values()),
            registrations_without_one_mail=sum(
                1 for r in rows if per_registration.get(r.id, 0) != 1),
            last_confirmed_id=max(confirmed, default=0),
            first_waitlisted_id=min(waiting, default=0),
            emails_by_id=[r.email_normalized for r in rows],
        )
        db.engine.dispose()
    return result


def drop_pending_mail(database_url: str) -> int:
    """Delete the unsent backlog the load figures queued; the rush measures its own mail."""
    app = app_for(database_url)
    with app.app_context():
        table = OutboxMessage.__table__
        # Messages the running worker has claimed are left to it.
        dropped = db.session.execute(
            delete(table).where(table.c.status == OutboxStatus.PENDING,
                                table.c.claimed_by.is_(None))
        ).rowcount
        db.session.commit()
        db.engine.dispose()
    return dropped
