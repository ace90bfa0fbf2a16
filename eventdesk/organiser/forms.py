"""Back-office forms: event, extra question, guest added by hand."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from eventdesk.events.models import QuestionKind
from eventdesk.forms import Form, IntegerField

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _zone_choices() -> list[SelectChoice]:
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [SelectChoice(zone, zone.replace("_", " ")) for zone in zones]


class EventForm(Form):
    title_nl = StringField(
        _l("Title (Dutch)"), validators=[DataRequired(_l("Please enter a title.")), Length(max=200)]
    )
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    slug = StringField(
        _l("Web address (slug)"),
        validators=[
            Optional(),
            Length(max=80),
            Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits and hyphens.")),
        ],
    )
    description_nl = TextAreaField(
        _l("Description (Dutch, Markdown)"), validators=[Optional(), Length(max=20000)]
    )
    description_en = TextAreaField(
        _l("Description (English, Markdown)"), validators=[Optional(), Length(max=20000)]
    )
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    timezone = SelectField(_l("Time zone"), default="Europe/Amsterdam")
    starts_at = DateTimeLocalField(
        _l("Starts"), format=LOCAL_FORMAT,
        validators=[DataRequired(_l("Please enter a start date and time."))],
    )
    ends_at = DateTimeLocalField(
        _l("Ends"), format=LOCAL_FORMAT,
        validators=[DataRequired(_l("Please enter an end date and time."))],
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=0, max=1_000_000, message=_l("Enter 0 or more."))],
    )
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    organiser_name = StringField(
        _l("Organiser's name"), validators=[Optional(), Length(max=200)],
        description=_l("Guests see it on the event page and in the privacy notice."),
    )
    organiser_email = EmailField(
        _l("Organiser's email address"),
        validators=[Optional(), Email(_l("Please enter a valid email address.")), Length(max=254)],
    )
    confirm_address_always = BooleanField(_l("Always ask guests to confirm their email address"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = _zone_choices()

    def validate_timezone(self, field) -> None:
        try:
            ZoneInfo(field.data)
        # A forged name longer than a file name can be is an OSError.
        except (ZoneInfoNotFoundError, ValueError, OSError) as error:
            raise ValidationError(_l("Please choose a time zone from the list.")) from error

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_registration_closes_at(self, field) -> None:
        opens = self.registration_opens_at.data
        if opens and field.data and field.data <= opens:
            raise ValidationError(_l("Registration must close after it opens."))


class QuestionForm(Form):
    kind = SelectField(
        _l("Kind of answer"),
        choices=[
            SelectChoice(QuestionKind.TEXT.value, _l("Text")),
            SelectChoice(QuestionKind.CHOICE.value, _l("One choice from a list")),
            SelectChoice(QuestionKind.YES_NO.value, _l("Yes or no")),
        ],
    )
    label_nl = StringField(
        _l("Question (Dutch)"),
        validators=[DataRequired(_l("Please enter the question.")), Length(max=300)],
    )
    label_en = StringField(_l("Question (English)"), validators=[Optional(), Length(max=300)])
    required = BooleanField(_l("An answer is required"))
    choices = TextAreaField(
        _l("Choices, one per line: Dutch | English"), validators=[Optional(), Length(max=5000)]
    )

    def validate_choices(self, field) -> None:
        if self.kind.data == QuestionKind.CHOICE.value and len(choice_lines(field.data)) < 2:
            raise ValidationError(_l("Give at least two choices."))


def choice_lines(text: str | None) -> list[tuple[str, str]]:
    """Split the choices text into (Dutch, English) pairs."""
    pairs = []
    for line in (text or "").splitlines():
        dutch, _, english = line.partition("|")
        if dutch.strip():
            pairs.append((dutch.strip()[:200], english.strip()[:200]))
    return pairs


def _strip(value):
    # Pasted names and addresses often carry a space at either end.
    return value.strip() if isinstance(value, str) else value


class AddGuestForm(Form):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Please enter a name.")), Length(max=200)],
        filters=[_strip],
    )
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Please enter an email address.")),
            Email(_l("Please enter a valid email address.")),
            Length(max=254),
        ],
        filters=[_strip],
    )
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    language = SelectField(
        _l("Language for mails"),
        choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")],
    )


class EditGuestForm(AddGuestForm):
    """The same fields as adding a guest, filled in with what the guest gave."""


class RetentionForm(Form):
    days = IntegerField(
        _l("Erase guests' personal data this many days after the event"),
        validators=[Optional(), NumberRange(min=0, max=3650, message=_l("Enter 0 to 3650 days."))],
    )
