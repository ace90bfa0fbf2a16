"""The base of every form: one-line fields hold one line.

The request guard has already refused NUL and the other control characters
everywhere; tab and line breaks pass it, because a description or a message
may have several lines. A title, a name or a venue may not: it ends up in a
mail's Subject, a calendar line or a CSV cell, where a line break does harm.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField

from eventdesk.inputs import has_control_characters


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
