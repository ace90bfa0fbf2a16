"""Forms of the message pages: compose, reminder settings, cancel."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileSize
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from eventdesk.events.models import Event, QuestionKind
from eventdesk.forms import Form, IntegerField
from eventdesk.messages.models import Audience, BatchKind

MAX_BODY = 20_000
MAX_ATTACHMENT = 2 * 1024 * 1024


def _strip(value):
    return value.strip() if isinstance(value, str) else value


AUDIENCES = [
    SelectChoice(Audience.CONFIRMED.value, _l("Confirmed guests")),
    SelectChoice(Audience.WAITLISTED.value, _l("Guests on the waiting list")),
    SelectChoice(Audience.CHECKED_IN.value, _l("Guests who checked in")),
    SelectChoice(Audience.NOT_CHECKED_IN.value, _l("Confirmed guests who did not check in")),
    SelectChoice(Audience.INVITEES_SILENT.value, _l("Invitees who have not answered")),
]


class ComposeForm(Form):
    """A message: what it says, in which language, to whom and when."""

    key = HiddenField(validators=[DataRequired(), Length(max=64)])
    kind = SelectField(_l("Kind"), choices=[
        SelectChoice(BatchKind.UPDATE.value, _l("News about the event (every guest gets it)")),
        SelectChoice(BatchKind.THANKS.value,
                     _l("A word after the event (guests may decline these)")),
    ], default=BatchKind.UPDATE.value)
    audience = SelectField(_l("To"), choices=AUDIENCES, default=Audience.CONFIRMED.value)
    organisation = StringField(_l("Only guests of this organisation (optional)"),
                               filters=[_strip], validators=[Optional(), Length(max=200)])
    answer_filter = SelectField(_l("Only guests who answered (optional)"),
                                choices=[SelectChoice("", "")], default="")
    language = SelectField(_l("Language"), choices=[
        SelectChoice("", _l("Each guest in their own language")),
        SelectChoice("nl", _l("Everyone in Dutch")),
        SelectChoice("en", _l("Everyone in English")),
    ], default="")
    subject_nl = StringField(_l("Subject (Dutch)"), filters=[_strip],
                             validators=[Optional(), Length(max=200)])
    body_nl = TextAreaField(_l("Text (Dutch, Markdown)"), filters=[_strip],
                            validators=[Optional(), Length(max=MAX_BODY)])
    subject_en = StringField(_l("Subject (English)"), filters=[_strip],
                             validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(_l("Text (English, Markdown)"), filters=[_strip],
                            validators=[Optional(), Length(max=MAX_BODY)])
    link = StringField(_l("Link, e.g. to the slides or photos (optional)"), filters=[_strip],
                       validators=[Optional(), Length(max=500),
                                   URL(require_tld=False, message=_l(
                                       "Please enter a web address starting with https://."))])
    attachment = FileField(_l("Attachment (optional, at most 2 MB)"),
                           validators=[FileSize(MAX_ATTACHMENT, message=_l(
                               "The attachment may be at most 2 MB."))])
    send_at = DateTimeLocalField(_l("Send at (event time; empty: now)"), validators=[Optional()],
                                 format="%Y-%m-%dT%H:%M")
    preview_guest = SelectField(_l("Preview as"), choices=[SelectChoice("", "")], default="",
                                validate_choice=False)

    def __init__(self, event: Event, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        choices = [SelectChoice("", _l("Everyone"))]
        for question in event.questions:
            if question.kind == QuestionKind.YES_NO:
                options = [("yes", _l("yes")), ("no", _l("no"))]
            elif question.kind == QuestionKind.CHOICE:
                options = question.choice_options("nl")
            else:
                continue
            for value, label in options:
                choices.append(
                    SelectChoice(f"{question.id}:{value}", f"{question.label_nl}: {label}"))
        self.answer_filter.choices = choices

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that the message has a subject and text in some language."""
        if not super().validate(extra_validators):
            return False
        language = self.language.data
        wanted = [language] if language else ["nl", "en"]
        complete = [code for code in wanted
                    if self[f"subject_{code}"].data and self[f"body_{code}"].data]
        if not complete:
            self.form_errors.append(str(_l("Please write a subject and a text.")))
            return False
        if language == "" and not all(
            bool(self[f"subject_{code}"].data) == bool(self[f"body_{code}"].data)
            for code in ("nl", "en")
        ):
            self.form_errors.append(str(_l(
                "Please write both the subject and the text of a language, or neither.")))
            return False
        if self.link.data and not self.link.data.lower().startswith(("https://", "http://")):
            self.link.errors.append(str(_l("Please enter a web address starting with https://.")))
            return False
        return True

    def question_answer(self) -> tuple[int | None, str]:
        """Return the chosen question id and answer, or (None, "")."""
        chosen = self.answer_filter.data or ""
        if ":" not in chosen:
            return None, ""
        question, _sep, answer = chosen.partition(":")
        return int(question), answer


class ReminderForm(Form):
    """The automatic reminder: on or off, how long before, and a practical note."""

    enabled = BooleanField(_l("Send every confirmed guest a reminder with their ticket"))
    hours_before = IntegerField(_l("Hours before the start"), validators=[
        DataRequired(), NumberRange(min=1, max=14 * 24)])
    note_nl = TextAreaField(_l("Practical note (Dutch, optional)"), filters=[_strip],
                            validators=[Optional(), Length(max=2000)])
    note_en = TextAreaField(_l("Practical note (English, optional)"), filters=[_strip],
                            validators=[Optional(), Length(max=2000)])


class ActionForm(Form):
    """A button that only needs its CSRF token."""
