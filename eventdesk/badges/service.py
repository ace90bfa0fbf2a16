"""Which guests get a badge, in which order, and the settings that shape them."""

import unicodedata

from sqlalchemy import func, select

from eventdesk.badges import layouts, rendering
from eventdesk.badges.models import BadgeSettings
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.registration.listing import ListQuery, conditions
from eventdesk.registration.models import Registration, RegistrationStatus

SORTS = ("surname", "organisation")
# Name particles that a Dutch (or French, German, ...) surname is filed without:
# "Jan de Vries" is found under V.
PARTICLES = frozenset((
    "van", "de", "der", "den", "het", "ter", "ten", "te", "in", "'t", "op",
    "la", "le", "les", "du", "des", "di", "da", "dos", "von", "zu", "am",
))


class NoBadge(Exception):
    """Only a confirmed registration with a ticket gets a badge (not pending or cancelled)."""


def settings_for(event: Event) -> BadgeSettings:
    """Return the badge settings of ``event`` (the defaults, unsaved, when it has none)."""
    found = db.session.get(BadgeSettings, event.id)
    if found is not None:
        return found
    return BadgeSettings(
        event_id=event.id, print_at_checkin=False, show_qr=True,
        sheet_layout=layouts.DEFAULT_SHEET, label_layout=layouts.DEFAULT_LABEL,
    )


def update_settings(
    event: Event, *, print_at_checkin: bool, show_qr: bool, sheet_layout: str, label_layout: str
) -> BadgeSettings:
    """Store the badge settings of ``event``; layouts must be known sheet and label names."""
    if sheet_layout not in layouts.SHEETS or label_layout not in layouts.LABELS:
        raise ValueError("unknown layout")
    settings = db.session.get(BadgeSettings, event.id)
    if settings is None:
        settings = BadgeSettings(event_id=event.id)
        db.session.add(settings)
    settings.print_at_checkin = print_at_checkin
    settings.show_qr = show_qr
    settings.sheet_layout = sheet_layout
    settings.label_layout = label_layout
    db.session.flush()
    return settings


def _folded(text: str) -> str:
    """Return ``text`` without accents and case, for sorting: Émile next to Emma."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def surname_key(name: str) -> tuple[str, str]:
    """Return a sort key that files ``name`` under its surname, particles left out."""
    words = name.split()
    rest = [word for word in words[1:] if word.casefold() not in PARTICLES]
    surname = rest[-1] if rest else (words[-1] if words else "")
    return _folded(surname), _folded(name)


def sort_key(sort: str):
    """Return the key function for ``sort``: surname, or organisation then surname."""
    if sort == "organisation":
        return lambda r: (_folded(r.organisation) or "\uffff", *surname_key(r.name))
    return lambda r: surname_key(r.name)


def guests_for_badges(event: Event, query: ListQuery, *, sort: str) -> list[Registration]:
    """Return the confirmed guests of ``event`` matching ``query`` (the attendee list's filter)."""
    confirmed = ListQuery(
        search=query.search, status=RegistrationStatus.CONFIRMED.value, checked=query.checked
    )
    guests = db.session.scalars(
        select(Registration).where(
            *conditions(event, confirmed), Registration.ticket_code.is_not(None)
        )
    ).all()
    return sorted(guests, key=sort_key(sort if sort in SORTS else "surname"))


def badge_count(event: Event) -> int:
    """Return how many guests of ``event`` get a badge (confirmed, with a ticket)."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.ticket_code.is_not(None),
        )
    ) or 0


def badge_for(registration: Registration, *, language: str, show_qr: bool) -> rendering.BadgeData:
    """Return what ``registration``'s badge shows; refuse guests without a valid ticket."""
    if registration.status != RegistrationStatus.CONFIRMED or not registration.ticket_code:
        raise NoBadge
    return rendering.BadgeData(
        name=registration.name,
        organisation=registration.organisation or "",
        event_title=registration.event.title(language),
        ticket_code=registration.ticket_code if show_qr else None,
    )


def sheet_pdf(
    event: Event, guests: list[Registration], layout: layouts.Layout, *, language: str,
    show_qr: bool,
) -> bytes:
    """Return a PDF of badges for ``guests``, in their order."""
    title = event.title(language)
    badges = [
        rendering.BadgeData(
            name=guest.name, organisation=guest.organisation or "", event_title=title,
            ticket_code=guest.ticket_code if show_qr else None,
        )
        for guest in guests
    ]
    return rendering.render(badges, layout)


def single_pdf(
    registration: Registration, layout: layouts.Layout, *, language: str, show_qr: bool
) -> bytes:
    """Return a PDF with the one badge of ``registration`` (NoBadge without a valid ticket)."""
    return rendering.render([badge_for(registration, language=language, show_qr=show_qr)], layout)
