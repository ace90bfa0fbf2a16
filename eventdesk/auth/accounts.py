"""Account management for admins: create, change role, event scope, deactivate.

Functions flush but never commit; the caller owns the transaction.
"""

from collections.abc import Sequence

from sqlalchemy import func, select

from eventdesk.auth.models import Role, User
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.inputs import normalize_email


class AccountError(Exception):
    """The account cannot be created or changed this way."""


class EmailTaken(AccountError):
    """Another account has this address."""


class LastAdmin(AccountError):
    """The change would leave no active admin."""


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).where(User.role == Role.ADMIN, User.active.is_(True))
    ) or 0


def create_account(
    *, email: str, name: str, role: Role, password: str, all_events: bool,
    events: Sequence[Event] = (),
) -> User:
    """Create an account; an organiser without ``all_events`` manages ``events`` only."""
    email = normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken(email)
    user = User(email=email, name=name.strip(), role=role, all_events=all_events)
    user.events = list(events) if role == Role.ORGANISER and not all_events else []
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_account(
    user: User, *, name: str, role: Role, active: bool, all_events: bool,
    events: Sequence[Event] = (), password: str | None = None,
) -> None:
    """Change an account's role, scope, state or password."""
    was_admin = user.role == Role.ADMIN and user.active
    if was_admin and (role != Role.ADMIN or not active) and _active_admins() <= 1:
        raise LastAdmin()
    # A new role, a blocked account or a new password ends the open sessions at
    # once, rather than leaving them to the old rights until the next login.
    if role != user.role or (user.active and not active) or password:
        user.end_sessions()
    user.name = name.strip()
    user.role = role
    user.active = active
    user.all_events = all_events
    user.events = list(events) if role == Role.ORGANISER and not all_events else []
    if password:
        user.set_password(password)
    db.session.flush()
