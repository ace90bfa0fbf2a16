"""Answers at a glance: how many confirmed guests gave each answer to each question."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from eventdesk.db import db
from eventdesk.events.models import Event, QuestionKind
from eventdesk.organiser.answers import answer_text
from eventdesk.registration.models import Registration, RegistrationStatus

# Free-text answers (dietary needs, say) are listed most common first, up to this many.
MAX_TEXTS = 30


@dataclass
class Tally:
    """One question's answers with their counts, in the form's order or most common first."""

    question: str
    counts: list[tuple[str, int]]
    answered: int
    free_text: bool
    more: int = 0

    @property
    def top(self) -> int:
        return max((number for _, number in self.counts), default=0) or 1


def answer_tallies(event: Event, language: str) -> list[Tally]:
    """Count the confirmed guests' answers per question; free text grouped case-blind."""
    questions = list(event.questions)
    if not questions:
        return []
    counters = {str(q.id): Counter() for q in questions}
    spelled: dict[str, dict[str, str]] = {key: {} for key in counters}
    statement = (
        select(Registration.answers)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED)
        .execution_options(yield_per=2000)
    )
    for answers in db.session.scalars(statement):
        for key, value in (answers or {}).items():
            if key in counters and isinstance(value, str) and value.strip():
                text = " ".join(value.split())
                folded = text.casefold()
                counters[key][folded] += 1
                spelled[key].setdefault(folded, text)
    tallies = []
    for question in questions:
        key = str(question.id)
        counter = counters[key]
        answered = sum(counter.values())
        if question.kind in (QuestionKind.YES_NO, QuestionKind.CHOICE):
            values = (["yes", "no"] if question.kind == QuestionKind.YES_NO
                      else [c["value"] for c in question.choices])
            counts = [(answer_text(question, value, language), counter.get(value.casefold(), 0))
                      for value in values]
            tallies.append(Tally(question.label(language), counts, answered, free_text=False))
        else:
            common = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
            counts = [(spelled[key][folded], number) for folded, number in common[:MAX_TEXTS]]
            tallies.append(Tally(question.label(language), counts, answered, free_text=True,
                                 more=max(0, len(common) - MAX_TEXTS)))
    return tallies
