"""Registration and self-service forms, built for one event's questions."""

import functools

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from eventdesk.events.models import Event, Question, QuestionKind
from eventdesk.forms import Form


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class GuestDetailsForm(Form):
    """What a guest may change later on the manage page."""

    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=200, message=_l("Please use at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "name"},
    )
    organisation = StringField(
        _l("Organisation (company or school)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=200, message=_l("Please use at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "organization"},
    )

    def answers(self) -> dict[str, str]:
        """Return the extra questions' answers keyed by question id."""
        return {
            name.removeprefix("q_"): field.data or ""
            for name, field in self._fields.items()
            if name.startswith("q_")
        }


class RegistrationForm(GuestDetailsForm):
    """The public registration form."""

    email = StringField(
        _l("Email address"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("Please use at most %(max)d characters.")),
            Email(_l("Please enter a valid email address."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "type": "email"},
    )
    consent = BooleanField(
        _l("I agree that my details are used for this event as described in the privacy notice."),
        validators=[InputRequired(_l("Please agree to the privacy notice to register."))],
    )
    # A trap for bots, hidden from people and screen readers (see
    # registration.screening); named so that no browser or password manager
    # fills it in for a guest.
    ref_code = StringField(_l("Leave this field empty"), render_kw={
        "autocomplete": "off", "tabindex": "-1",
    })

    def looks_automated(self) -> bool:
        """Tell whether the hidden trap field was filled in."""
        return bool(self.ref_code.data)


# What a question looks like on the form; two questions that agree on it
# make the same field.
QuestionShape = tuple[int, QuestionKind, bool, str, tuple[tuple[str, str], ...]]


def _shape(question: Question, language: str) -> QuestionShape:
    options = tuple(question.choice_options(language)) if question.choices else ()
    return (question.id, question.kind, question.required, question.label(language), options)


def _field_for_shape(shape: QuestionShape) -> Field:
    _, kind, must_answer, label, options = shape
    required = [DataRequired(_l("Please answer this question."))] if must_answer else [Optional()]
    if kind == QuestionKind.TEXT:
        return StringField(
            label,
            filters=[_strip],
            validators=[
                *required,
                Length(max=500, message=_l("Please use at most %(max)d characters.")),
            ],
        )
    if kind == QuestionKind.YES_NO:
        choices = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
    else:
        choices = [SelectChoice(value, text) for value, text in options]
    return RadioField(label, choices=choices, validators=required, validate_choice=True)


def _question_field(question: Question, language: str) -> Field:
    return _field_for_shape(_shape(question, language))


@functools.lru_cache(maxsize=256)
def _form_class(base: type[GuestDetailsForm], shapes: tuple[QuestionShape, ...]):
    # A form class per event is costly to make (WTForms sorts and binds its
    # fields on first use), so one is kept for each set of questions.
    fields = {f"q_{shape[0]}": _field_for_shape(shape) for shape in shapes}
    return type(base.__name__, (base,), fields)


def _with_questions(base: type[GuestDetailsForm], event: Event, language: str):
    return _form_class(base, tuple(_shape(question, language) for question in event.questions))


def registration_form(event: Event, language: str, **kwargs) -> RegistrationForm:
    """Build the registration form for ``event``."""
    return _with_questions(RegistrationForm, event, language)(**kwargs)


def details_form(event: Event, language: str, **kwargs) -> GuestDetailsForm:
    """Build the form a guest uses to change their details."""
    return _with_questions(GuestDetailsForm, event, language)(**kwargs)


class ConfirmForm(Form):
    """An empty form: a CSRF-protected confirmation button."""
