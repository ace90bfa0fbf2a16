"""Forms for the invitation pages: the organiser's and the invitee's."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from eventdesk.events.models import Event
from eventdesk.forms import Form, IntegerField
from eventdesk.invitations.csvfile import MAX_EXTRA_GUESTS
from eventdesk.invitations.rsvp import Companion
from eventdesk.registration.forms import GuestDetailsForm, _question_field

MAX_COMPANION_FIELDS = 50


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class UploadForm(Form):
    """Choose a CSV file of invitees."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Please choose a file."))])


class ConfirmImportForm(Form):
    """Import the previewed list: the file travels back in a hidden field."""

    payload = HiddenField(validators=[DataRequired()])


class InviteeForm(Form):
    """Add one invitee by hand."""

    name = StringField(
        _l("Name"), filters=[_strip],
        validators=[DataRequired(_l("Please enter a name.")), Length(max=200)],
    )
    email = StringField(
        _l("Email address"), filters=[_strip],
        validators=[DataRequired(_l("Please enter an email address.")), Length(max=254),
                    Email(_l("Please enter a valid email address."),
                          check_deliverability=False)],
        render_kw={"type": "email", "inputmode": "email"},
    )
    organisation = StringField(
        _l("Organisation"), filters=[_strip],
        validators=[Optional(), Length(max=200)],
    )
    language = SelectField(
        _l("Language of the mails"),
        choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")],
    )
    extra_guests = IntegerField(
        _l("Extra guests allowed"), default=0,
        validators=[NumberRange(0, MAX_EXTRA_GUESTS,
                                _l("Please enter a number from 0 to %(max)d."))],
    )


class ActionForm(Form):
    """A CSRF-protected button; ``key`` makes a repeated submit of one page harmless."""

    key = HiddenField()


class SettingsForm(Form):
    """Who may register, and until when invitations can be answered."""

    invitation_only = BooleanField(_l("By invitation only: the public cannot register"))
    invitation_waitlist = BooleanField(_l("Let the public join the waiting list"))
    rsvp_closes_at = DateTimeLocalField(
        _l("Answers close at (event time)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )


class DeclineForm(Form):
    """Say no, with an optional message for the organiser."""

    message = TextAreaField(
        _l("Message for the organiser (optional)"), filters=[_strip],
        validators=[Optional(), Length(max=2000)],
    )


class AcceptForm(GuestDetailsForm):
    """Say yes: the guest's details, the event's questions and the companions."""

    allowed = 0

    def companions(self) -> list[Companion]:
        """Return the companions the guest named."""
        found = []
        for number in range(1, self.allowed + 1):
            name = self[f"companion_{number}_name"].data
            if name:
                found.append(Companion(name, self[f"companion_{number}_email"].data or ""))
        return found

    def validate(self, extra_validators=None) -> bool:
        """Also refuse companions beyond the allowed number (a changed form)."""
        valid = super().validate(extra_validators)
        for number in range(self.allowed + 1, MAX_COMPANION_FIELDS + 1):
            if (request.form.get(f"companion_{number}_name") or "").strip():
                self.form_errors.append(
                    ngettext("You may bring at most %(num)d guest.",
                             "You may bring at most %(num)d guests.", self.allowed)
                    if self.allowed
                    else _l("This invitation is for you alone.")
                )
                return False
        return valid


def accept_form(event: Event, language: str, allowed: int, **kwargs) -> AcceptForm:
    """Build the yes form for ``event`` with room for ``allowed`` companions."""
    fields: dict = {"allowed": allowed}
    for question in event.questions:
        fields[f"q_{question.id}"] = _question_field(question, language)
    for number in range(1, allowed + 1):
        fields[f"companion_{number}_name"] = StringField(
            _l("Name of guest %(number)d", number=number), filters=[_strip],
            validators=[Optional(), Length(max=200)],
        )
        fields[f"companion_{number}_email"] = StringField(
            _l("Their email address (optional: else their ticket comes to you)"),
            filters=[_strip],
            validators=[Optional(), Length(max=254),
                        Email(_l("Please enter a valid email address."),
                              check_deliverability=False)],
            render_kw={"type": "email", "inputmode": "email"},
        )
    return type("AcceptForm", (AcceptForm,), fields)(**kwargs)
