"""The registration this browser has just made, for the page that follows.

A repeated registration (an address already registered) must not show whose
details are behind it, so only a registration created by this browser's own
POST, within the last hour, is shown; everyone else gets the neutral page.
"""

from datetime import datetime, timedelta

from flask import session
from werkzeug.datastructures import MultiDict

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.registration.models import Registration, RegistrationStatus

_KEY = "just_registered"
SHOWN_FOR = timedelta(hours=1)


def remember(slug: str, registration_id: int) -> None:
    """Note that this browser has just created registration ``registration_id``."""
    session[_KEY] = {"slug": slug, "id": registration_id}


def forget() -> None:
    """Stop showing the registration on the page after registering."""
    session.pop(_KEY, None)


def recall(event: Event, *, now: datetime) -> Registration | None:
    """Return the registration this browser just made for ``event``, if still current."""
    kept = session.get(_KEY)
    if not isinstance(kept, dict) or kept.get("slug") != event.slug:
        return None
    registration_id = kept.get("id")
    if not isinstance(registration_id, int) or isinstance(registration_id, bool):
        return None
    registration = db.session.get(Registration, registration_id)
    if (
        registration is None
        or registration.event_id != event.id
        or registration.status == RegistrationStatus.CANCELLED
        or now - registration.created_at > SHOWN_FOR
    ):
        return None
    return registration


def typed_values(registration: Registration) -> MultiDict:
    """Return the registration's details as the form's fields, without the address."""
    values = MultiDict([("name", registration.name), ("organisation", registration.organisation)])
    for key, value in registration.answers.items():
        values.add(f"q_{key}", value)
    return values
