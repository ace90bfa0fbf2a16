"""Registration and self-service forms, built for one event's questions."""

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


def _question_field(question: Question, language: str) -> Field:
    label = question.label(language)
    if question.required:
        required = [DataRequired(_l("Please answer this question."))]
    else:
        required = [Optional()]
    if question.kind == QuestionKind.TEXT:
        return StringField(
            label,
            filters=[_strip],
            validators=[
                *required,
                Length(max=500, message=_l("Please use at most %(max)d characters.")),
            ],
        )
    if question.kind == QuestionKind.YES_NO:
        choices = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
    else:
        options = question.choice_options(language) if question.choices else []
        choices = [SelectChoice(value, text) for value, text in options]
    return RadioField(label, choices=choices, validators=required, validate_choice=True)


def _with_questions(base: type[GuestDetailsForm], event: Event, language: str):
    # A class of its own with this event's questions, made for each form.
    fields = {f"q_{question.id}": _question_field(question, language)
              for question in event.questions}
    return type(base.__name__, (base,), fields)


def registration_form(event: Event, language: str, **kwargs) -> RegistrationForm:
    """Build the registration form for ``event``."""
    return _with_questions(RegistrationForm, event, language)(**kwargs)


def details_form(event: Event, language: str, **kwargs) -> GuestDetailsForm:
    """Build the form a guest uses to change their details."""
    return _with_questions(GuestDetailsForm, event, language)(**kwargs)


class ConfirmForm(Form):
    """An empty form: a CSRF-protected confirmation button."""
