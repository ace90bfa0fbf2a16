"""Guests for the demo event, so the back office has a list, an export and charts to show."""

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select

from eventdesk.db import db
from eventdesk.events.models import Event, QuestionKind
from eventdesk.registration.admission import Guest, admit
from eventdesk.registration.models import Registration

FIRST = ["Anouk", "Bram", "Chantal", "Daan", "Eline", "Fatima", "Gijs", "Hanneke", "Işıl", "Joris",
         "Kees", "Lotte", "Mehmet", "Noor", "Özlem", "Pieter", "Renée", "Sven", "Thijs", "Zoë"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
        "Yılmaz", "van Dijk", "Çelik", "Hendriks"]
ORGANISATIONS = ["Tata Steel", "Nova College", "Gemeente Velsen", "ROC Nova", "Port of IJmuiden",
                 "Techport", "Zeehaven IJmuiden", ""]


def seed_demo_guests(event: Event, *, now: datetime, count: int = 48) -> int:
    """Add ``count`` registered guests (a few waiting) unless the event has guests; return added."""
    if db.session.scalar(select(func.count()).where(Registration.event_id == event.id)):
        return 0
    rnd = random.Random(10)
    added = 0
    for number in range(count):
        name = f"{FIRST[number % len(FIRST)]} {LAST[(number * 7) % len(LAST)]}"
        email = f"{name.split()[0].lower()}.{number}@example.org"
        moment = now - timedelta(days=rnd.randint(1, 40), minutes=rnd.randint(0, 600))
        guest = Guest(
            name=name, email=email, organisation=rnd.choice(ORGANISATIONS),
            language=rnd.choice(["nl", "nl", "en"]), answers=_answers(event, rnd),
        )
        # A seat while seats last, then the waiting list; registered at ``moment``.
        admit(event, guest, now=moment)
        added += 1
    db.session.flush()
    return added


def _answers(event: Event, rnd: random.Random) -> dict[str, str]:
    answers = {}
    for question in event.questions:
        if question.kind == QuestionKind.YES_NO:
            answers[str(question.id)] = rnd.choice(["yes", "yes", "no"])
        elif question.kind == QuestionKind.CHOICE and question.choices:
            answers[str(question.id)] = rnd.choice(question.choices)["value"]
        elif rnd.random() < 0.2:
            answers[str(question.id)] = rnd.choice(["Vegetarisch", "Geen noten", "Halal"])
    return answers
