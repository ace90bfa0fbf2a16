"""Login, password and account forms."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventdesk.forms import Form


class LoginForm(Form):
    email = StringField(
        _l("Email address"),
        validators=[DataRequired(_l("Please enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "type": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordChangeForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Please choose a new password.")),
            Length(min=10, max=200, message=_l("Use between 10 and 200 characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Please type the new password again.")),
            EqualTo("new", message=_l("The two new passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class AccountForm(Form):
    email = StringField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Please enter an email address.")),
            Email(_l("Please enter a valid email address.")),
            Length(max=254),
        ],
        render_kw={"type": "email", "autocomplete": "off"},
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("admin", _l("Admin: everything, including accounts")),
            SelectChoice("organiser", _l("Organiser")),
            SelectChoice("door", _l("Door staff: scanning only")),
        ],
    )
    all_events = BooleanField(_l("Organiser of all events"), default=True)
    events = SelectMultipleField(
        _l("Or only of these events"), coerce=int, choices=[],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    active = BooleanField(_l("Account may log in"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[
            Optional(),
            Length(min=10, max=200, message=_l("Use between 10 and 200 characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
