"""The questions editor pages."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventdesk.asking import asks_first
from eventdesk.db import db
from eventdesk.events.models import Question, QuestionKind
from eventdesk.i18n import current_language
from eventdesk.organiser import question_service as service
from eventdesk.organiser.blueprint import bp
from eventdesk.organiser.forms import QuestionForm, choice_lines


def _question(question_id: int) -> Question:
    return db.first_or_404(
        select(Question).where(Question.id == question_id, Question.event_id == g.event.id))


def _values(form: QuestionForm) -> dict:
    return {
        "kind": QuestionKind(form.kind.data),
        "label_nl": form.label_nl.data.strip(),
        "label_en": (form.label_en.data or "").strip(),
        "required": form.required.data,
        "choices": choice_lines(form.choices.data),
    }


def _back():
    return redirect(url_for("organiser.edit_event", slug=g.event.slug) + "#questions")


@bp.route("/events/<slug>/questions/new", methods=["GET", "POST"])
def add_question(slug: str):
    """Add an extra question to the registration form."""
    form = QuestionForm()
    if form.validate_on_submit():
        service.add_question(g.event, **_values(form))
        db.session.commit()
        flash(_("Question added."), "success")
        return _back()
    return render_template("organiser/question_form.html", form=form, event=g.event,
                           question=None), (422 if form.errors else 200)


@bp.route("/events/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(slug: str, question_id: int):
    """Change an extra question."""
    question = _question(question_id)
    form = QuestionForm(obj=question if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = question.kind.value
        form.choices.data = service.choices_text(question)
    elif form.validate_on_submit():
        service.update_question(question, **_values(form))
        db.session.commit()
        flash(_("Question saved."), "success")
        return _back()
    return render_template("organiser/question_form.html", form=form, event=g.event,
                           question=question), (422 if form.errors else 200)


def question_label(slug: str, question_id: int) -> str:
    """Name the question a confirmation page is about."""
    return _question(question_id).label(current_language())


@bp.post("/events/<slug>/questions/<int:question_id>/delete")
@asks_first(
    _l("Delete this question?"),
    consequence=_l("The question disappears from the form, and the answers guests gave "
                   "to it disappear from the lists and the export."),
    button=_l("Yes, delete the question"), back="organiser.edit_event", subject=question_label,
)
def delete_question(slug: str, question_id: int):
    """Remove an extra question."""
    service.delete_question(_question(question_id))
    db.session.commit()
    flash(_("Question removed."), "success")
    return _back()


@bp.post("/events/<slug>/questions/<int:question_id>/move")
def move_question(slug: str, question_id: int):
    """Move an extra question up or down."""
    service.move_question(_question(question_id), up=request.form.get("direction") == "up")
    db.session.commit()
    return _back()
