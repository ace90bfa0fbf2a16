"""Helpers for the tests of slowed-down guessing (logins, door PINs): who asks, and time passing."""

from datetime import timedelta

from sqlalchemy import select

from eventdesk.db import db
from eventdesk.ratelimit import RateCounter


def from_ip(address: str) -> dict:
    """Return test-client keyword arguments that send a request from ``address``."""
    return {"environ_base": {"REMOTE_ADDR": address}}


def let_time_pass(seconds: float) -> None:
    """Let ``seconds`` pass for the rate counters (their windows start that much earlier)."""
    for counter in db.session.scalars(select(RateCounter)):
        counter.window_started_at -= timedelta(seconds=seconds)
    db.session.commit()
