"""Login rate limiting with counters in the database, shared by all app servers."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from eventdesk.auth.models import LoginThrottle
from eventdesk.db import db

DEFAULT_LIMITS = {"email": 5, "ip": 30}


def _window() -> timedelta:
    return timedelta(seconds=current_app.config.get("LOGIN_WINDOW_SECONDS", 900))


def _limit(key: str) -> int:
    kind = key.split(":", 1)[0]
    limits = current_app.config.get("LOGIN_LIMITS", DEFAULT_LIMITS)
    return limits.get(kind, DEFAULT_LIMITS.get(kind, 5))


def login_keys(email: str, ip: str | None) -> list[str]:
    """Return the counter keys a login attempt is charged to."""
    return [f"email:{email.strip().lower()[:254]}", f"ip:{ip or 'unknown'}"]


def is_blocked(keys: Iterable[str], *, now: datetime) -> bool:
    """Tell whether any key has used up its failed attempts in the current window."""
    keys = list(keys)
    rows = db.session.execute(
        select(LoginThrottle.key, LoginThrottle.failures).where(
            LoginThrottle.key.in_(keys), LoginThrottle.window_started_at > now - _window()
        )
    )
    return any(failures >= _limit(key) for key, failures in rows)


def record_failure(keys: Iterable[str], *, now: datetime) -> None:
    """Count one failed attempt against every key."""
    table = LoginThrottle.__table__
    for key in keys:
        # Restart an expired window, else add one; both are single conditional
        # UPDATEs so concurrent failures on two servers are all counted.
        restarted = db.session.execute(
            update(table)
            .where(table.c.key == key, table.c.window_started_at <= now - _window())
            .values(failures=1, window_started_at=now)
        )
        if restarted.rowcount:
            continue
        if _increment(key):
            continue
        try:
            with db.session.begin_nested():
                db.session.add(LoginThrottle(key=key, failures=1, window_started_at=now))
        except IntegrityError:
            _increment(key)


def _increment(key: str) -> bool:
    table = LoginThrottle.__table__
    result = db.session.execute(
        update(table).where(table.c.key == key).values(failures=table.c.failures + 1)
    )
    return result.rowcount == 1


def clear(key: str) -> None:
    """Forget the failures of ``key`` (after a successful login)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
