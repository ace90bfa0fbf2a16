"""The extra-questions editor: add, change, remove and reorder an event's questions."""

from sqlalchemy import func, select

from eventdesk.db import db
from eventdesk.events.models import Event, Question, QuestionKind
from eventdesk.organiser.event_service import slugify


def _choices(pairs: list[tuple[str, str]], existing: list[dict]) -> list[dict]:
    # Keep the stored value of a choice whose Dutch text is unchanged, so
    # answers already given keep pointing at it.
    known = {c.get("nl"): c["value"] for c in existing}
    used: set[str] = set()
    result = []
    for dutch, english in pairs:
        value = known.get(dutch) or slugify(dutch)
        base, number = value, 1
        while value in used:
            number += 1
            value = f"{base}-{number}"
        used.add(value)
        result.append({"value": value, "nl": dutch, "en": english})
    return result


def add_question(
    event: Event, *, kind: QuestionKind, label_nl: str, label_en: str, required: bool,
    choices: list[tuple[str, str]],
) -> Question:
    """Add a question at the end of ``event``'s form."""
    last = db.session.scalar(
        select(func.max(Question.position)).where(Question.event_id == event.id)
    )
    question = Question(
        event=event, position=(last or 0) + 1, kind=kind, label_nl=label_nl,
        label_en=label_en or "", required=required,
        choices=_choices(choices, []) if kind == QuestionKind.CHOICE else [],
    )
    db.session.add(question)
    db.session.flush()
    return question


def update_question(
    question: Question, *, kind: QuestionKind, label_nl: str, label_en: str, required: bool,
    choices: list[tuple[str, str]],
) -> None:
    """Change a question's text, kind, choices or whether it is required."""
    question.kind = kind
    question.label_nl = label_nl
    question.label_en = label_en or ""
    question.required = required
    question.choices = _choices(choices, question.choices) if kind == QuestionKind.CHOICE else []
    db.session.flush()


def delete_question(question: Question) -> None:
    """Remove a question; answers already given stay in the registrations."""
    db.session.delete(question)
    db.session.flush()


def move_question(question: Question, *, up: bool) -> None:
    """Swap a question with its neighbour above or below."""
    questions = list(question.event.questions)
    for position, item in enumerate(questions, start=1):
        item.position = position
    index = questions.index(question)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index].position, questions[other].position = (
            questions[other].position, questions[index].position,
        )
    db.session.flush()


def choices_text(question: Question) -> str:
    """Return a question's choices as the editor shows them."""
    return "\n".join(
        f"{c.get('nl', '')} | {c.get('en', '')}".rstrip(" |") for c in question.choices
    )
