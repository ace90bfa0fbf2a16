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
    """Insert a registration directly (no mail), confirmed unless told otherwise."""
    from eventdesk.db import utcnow
    from eventdesk.registration.codes import new_ticket_code
    from eventdesk.registration.models import Registration, RegistrationStatus

    status = status or RegistrationStatus.CONFIRMED
    moment = created_at or utcnow()
    registration = Registration(
        event=event, status=status, name=name, email=email, email_normalized=email.lower(),
        organisation=organisation, answers=dict(answers or {}), consented_at=moment,
        created_at=moment,
        confirmed_at=moment if status == RegistrationStatus.CONFIRMED else None,
        ticket_code=new_ticket_code() if status == RegistrationStatus.CONFIRMED else None,
    )
    db.session.add(registration)
    if status == RegistrationStatus.CONFIRMED:
        event.confirmed_count += 1
    db.session.commit()
    return registration
