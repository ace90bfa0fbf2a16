"""The badge settings form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from eventdesk.badges import layouts
from eventdesk.forms import Form


class SettingsForm(Form):
    sheet_layout = SelectField(
        _l("Sheet layout"),
        choices=[SelectChoice(key, layouts.LAYOUTS[key].label) for key in layouts.SHEETS],
    )
    label_layout = SelectField(
        _l("Label printer at the door"),
        choices=[SelectChoice(key, layouts.LAYOUTS[key].label) for key in layouts.LABELS],
    )
    show_qr = BooleanField(_l("Print the ticket's QR code on each badge"))
    print_at_checkin = BooleanField(_l("Door page: print a guest's badge as they check in"))
