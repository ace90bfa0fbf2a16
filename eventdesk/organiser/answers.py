"""Show a guest's answers to the extra questions as readable text."""

from eventdesk.events.models import Question, QuestionKind


def answer_text(question: Question, value: str | None, language: str) -> str:
    """Return the answer as a person reads it: a choice's label, 'yes'/'no' in words."""
    if value is None or value == "":
        return ""
    if question.kind == QuestionKind.CHOICE:
        return dict(question.choice_options(language)).get(value, value)
    if question.kind == QuestionKind.YES_NO:
        words = {"nl": ("Ja", "Nee"), "en": ("Yes", "No")}.get(language, ("Yes", "No"))
        return {"yes": words[0], "no": words[1]}.get(value, value)
    return value


def labelled_answers(questions: list[Question], answers: dict, language: str) -> list[tuple]:
    """Return (question label, answer text) pairs in the form's order."""
    return [
        (q.label(language), answer_text(q, answers.get(str(q.id)), language)) for q in questions
    ]
