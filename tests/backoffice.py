"""Helpers for back-office tests: accounts and logging in."""

import re

from werkzeug.security import generate_password_hash

from eventdesk.auth.models import Role, User
from eventdesk.db import db

PASSWORD = "correct horse battery"


def make_user(role: Role, email: str | None = None, *, all_events: bool = True, events=()) -> User:
    """Create an account with the test password."""
    user = User(
        email=email or f"{role.value}-{len(events)}-{all_events}@example.org",
        name=role.value.title(),
        role=role,
        all_events=all_events,
    )
    # Cheap scrypt parameters: the tests log in hundreds of times; the check is the same code.
    user.password_hash = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
    user.events = list(events)
    db.session.add(user)
    db.session.commit()
    return user


def login(client, user: User, password: str = PASSWORD):
    """Log ``user`` in through the login form (CSRF off) and return the response."""
    return client.post("/login", data={"email": user.email, "password": password})


def csrf_token(client, path: str) -> str:
    """Return the CSRF token of the form on ``path``."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def add_guest(event, name: str, email: str, *, status=None, organisation: str = "",
              answers=None, created_at=None):
    """Register a guest through the front door (no mail), confirmed unless told otherwise.

    A confirmed guest gets a seat even past the capacity; a cancelled one is
    registered (waiting) and then cancelled.
    """
    from eventdesk.db import utcnow
    from eventdesk.registration.admission import Guest, admit
    from eventdesk.registration.models import RegistrationStatus
    from eventdesk.registration.seats import Seating
    from eventdesk.registration.service import withdraw

    status = status or RegistrationStatus.CONFIRMED
    moment = created_at or utcnow()
    seating = {
        RegistrationStatus.CONFIRMED: Seating.FORCED,
        RegistrationStatus.PENDING: Seating.CONFIRM_ADDRESS,
    }.get(status, Seating.WAITLIST)
    guest = Guest(name=name, email=email, organisation=organisation, answers=dict(answers or {}))
    registration = admit(event, guest, now=moment, seating=seating).registration
    if status == RegistrationStatus.CANCELLED:
        withdraw(registration, now=moment)
    db.session.commit()
    return registration
