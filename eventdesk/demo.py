"""The demo: the 10-year jubilee in IJmuiden and a few accounts."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from eventdesk.auth.models import Role, User
from eventdesk.db import db
from eventdesk.events.models import Event, EventStatus, Question, QuestionKind

DEMO_SLUG = "10-jaar-techport"
DEMO_ACCOUNTS = (
    (Role.ADMIN, "admin@example.org", "demo-admin"),
    (Role.ORGANISER, "organiser@example.org", "demo-organiser"),
    (Role.DOOR, "door@example.org", "demo-door"),
)

DESCRIPTION_NL = """\
Techport bestaat tien jaar! Vier het met ons: **70 bedrijven en 23 scholen** uit de IJmond
die samen werken aan techniek, talent en de regio.

- 16:00 ontvangst met koffie en de expositie van leerlingenprojecten
- 17:00 jubileumprogramma met terugblik en vooruitblik
- 18:00 walking dinner en netwerken

Neem je QR-ticket mee (op je telefoon of geprint); dan ben je snel binnen.
"""

DESCRIPTION_EN = """\
Techport turns ten! Celebrate with us: **70 companies and 23 schools** in the IJmond region
working together on technology, talent and the region.

- 16:00 welcome with coffee and the exhibition of student projects
- 17:00 jubilee programme, looking back and ahead
- 18:00 walking dinner and networking

Bring your QR ticket (on your phone or printed) to get in quickly.
"""


def next_january_tenth(today: date) -> date:
    """Return the coming 10 January (today's, if it is the day itself)."""
    this_year = date(today.year, 1, 10)
    return this_year if today <= this_year else date(today.year + 1, 1, 10)


def seed_demo(*, now: datetime) -> Event:
    """Create the demo event and accounts unless they exist; return the event."""
    for role, email, password in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).where(User.email == email)) is None:
            user = User(email=email, name=role.value.title(), role=role)
            user.set_password(password)
            db.session.add(user)

    event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    if event is not None:
        return event
    zone = ZoneInfo("Europe/Amsterdam")
    day = next_january_tenth(now.astimezone(zone).date())
    event = Event(
        slug=DEMO_SLUG,
        status=EventStatus.PUBLISHED,
        title_nl="10 jaar Techport",
        title_en="Techport turns 10",
        description_nl=DESCRIPTION_NL,
        description_en=DESCRIPTION_EN,
        venue="Techport Centre",
        address="Kanaalstraat 1, 1976 BA IJmuiden",
        timezone="Europe/Amsterdam",
        starts_at=datetime.combine(day, time(16, 0), zone).astimezone(UTC),
        ends_at=datetime.combine(day, time(20, 0), zone).astimezone(UTC),
        capacity=250,
        organiser_email="info@techport.example.org",
        organiser_name="Techport",
    )
    event.questions = [
        Question(
            position=1,
            kind=QuestionKind.YES_NO,
            label_nl="Blijf je voor het walking dinner?",
            label_en="Will you stay for the walking dinner?",
            required=True,
        ),
        Question(
            position=2,
            kind=QuestionKind.CHOICE,
            label_nl="Hoe kom je?",
            label_en="How will you travel?",
            required=False,
            choices=[
                {"value": "car", "nl": "Met de auto", "en": "By car"},
                {"value": "public", "nl": "Met het openbaar vervoer", "en": "By public transport"},
                {"value": "bike", "nl": "Op de fiets", "en": "By bike"},
            ],
        ),
        Question(
            position=3,
            kind=QuestionKind.TEXT,
            label_nl="Dieetwensen of allergieën",
            label_en="Dietary needs or allergies",
            required=False,
        ),
    ]
    db.session.add(event)
    db.session.flush()
    return event
