"""Login and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
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


class PasswordChangeForm(FlaskForm):
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
