"""Forms for opening a door with a PIN and for managing doors."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from eventdesk.checkin.doors import NAME_MAX, PIN_LENGTH
from eventdesk.forms import Form


class PinForm(Form):
    pin = StringField(
        _l("PIN"),
        validators=[
            DataRequired(_l("Enter the PIN you were given.")),
            Regexp(rf"^\s*\d{{{PIN_LENGTH}}}\s*$", message=_l("The PIN has 6 digits.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": PIN_LENGTH + 4},
    )


class DoorForm(Form):
    name = StringField(
        _l("Door name"),
        validators=[DataRequired(_l("Give the door a name.")), Length(max=NAME_MAX)],
        render_kw={"placeholder": _l("For example: Hoofdingang")},
    )
    with_pin = BooleanField(_l("Also give it a PIN for volunteers"), default=True)


class ConfirmForm(Form):
    """A button that changes state: only the CSRF token."""
