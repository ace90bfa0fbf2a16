"""The background worker's hourly chores: erasing data past its retention."""

import threading
from datetime import timedelta

from backoffice import add_guest
from sqlalchemy import select

from eventdesk.db import db, utcnow
from eventdesk.housekeeping import erase_expired_personal_data
from eventdesk.organiser import privacy
from eventdesk.registration.models import Registration
from eventdesk.worker import run_worker


def test_erases_only_events_past_retention(app, make_event, monkeypatch):
    monkeypatch.setattr(privacy, "PURGE_BATCH", 2)
    now = utcnow()
    past = make_event(starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=8))
    recent = make_event(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    for number in range(5):
        add_guest(past, f"Old {number}", f"old{number}@example.org")
    add_guest(recent, "New", "new@example.org")
    privacy.set_retention(past, 7)
    privacy.set_retention(recent, 7)
    db.session.commit()

    assert erase_expired_personal_data(now=now) == 5
    names = db.session.scalars(select(Registration.name).order_by(Registration.id)).all()
    assert "New" in names and not any(name.startswith("Old") for name in names)
    assert erase_expired_personal_data(now=now) == 0


def test_worker_runs_the_chores_before_sending(app):
    stop = threading.Event()
    calls = []

    def chores():
        calls.append(True)
        stop.set()

    run_worker(app, stop=stop, chores=chores)
    assert calls == [True]


def test_the_chores_forget_rate_counters_no_limit_looks_at(app):
    from eventdesk import ratelimit
    from eventdesk.auth.throttle import KNOWN_ADDRESS
    from eventdesk.checkin import pin_limits
    from eventdesk.checkin.access import DOOR_SESSION_LIFETIME
    from eventdesk.housekeeping import run_chores

    # Kept longer than the longest window a limit counts in.
    assert max(KNOWN_ADDRESS, pin_limits.KNOWN_ADDRESS, DOOR_SESSION_LIFETIME) < ratelimit.KEPT_FOR
    now = utcnow()
    ratelimit.hit("register:1:198.51.100.7", window=timedelta(hours=1),
                  now=now - timedelta(days=40))
    ratelimit.hit("login-known:ann", window=KNOWN_ADDRESS, now=now - timedelta(days=29))
    db.session.commit()
    run_chores()
    keys = set(db.session.scalars(select(ratelimit.RateCounter.key)))
    assert keys == {"login-known:ann"}
