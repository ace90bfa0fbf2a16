"""The base of every form: one-line fields hold one line.

The request guard has already refused NUL and the other control characters
everywhere; tab and line breaks pass it, because a description or a message
may have several lines. A title, a name or a venue may not: it ends up in a
mail's Subject, a calendar line or a CSV cell, where a line break does harm.
"""

import wtforms
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField

from eventdesk.inputs import has_control_characters, strict_int

# Far beyond any count eventdesk keeps, far below what breaks a float or a
# database integer; each field's NumberRange sets its real bounds.
_INTEGER_LIMIT = 10**15


def is_single_line(field: Field) -> bool:
    """Tell whether ``field`` is a one-line text field (not a text area)."""
    return isinstance(field, StringField) and not isinstance(field, TextAreaField)


class Form(FlaskForm):
    """A Flask-WTF form that refuses line breaks and tabs in its one-line fields."""

    def validate(self, extra_validators=None) -> bool:
        """Validate the fields, then refuse line breaks in the one-line ones."""
        valid = super().validate(extra_validators)
        for field in self:
            data = field.data
            if (is_single_line(field) and isinstance(data, str)
                    and has_control_characters(data)):
                if not field.errors:
                    field.errors.append(_l("Please use a single line without special characters."))
                valid = False
        return valid


class IntegerField(wtforms.IntegerField):
    """A whole number typed in ASCII digits: no "²", no 400-digit numbers."""

    def process_formdata(self, valuelist) -> None:
        """Read the number strictly; anything else is a validation error, not a crash."""
        if not valuelist:
            return
        self.data = strict_int(valuelist[0], minimum=-_INTEGER_LIMIT, maximum=_INTEGER_LIMIT)
        if self.data is None:
            raise ValueError(_l("Please enter a whole number."))
