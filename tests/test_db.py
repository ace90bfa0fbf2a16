"""Database plumbing: aware UTC datetimes and SQLite's write lock."""

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from eventdesk.db import db, reading_only
from eventdesk.events.models import Event


def test_datetimes_come_back_aware_in_utc(app, make_event):
    start = datetime(2027, 1, 10, 16, tzinfo=timezone(timedelta(hours=1)))
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=4))
    db.session.commit()
    db.session.expire_all()
    assert event.starts_at == start and event.starts_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(app, make_event):
    with pytest.raises(Exception, match="naive datetime"):
        make_event(starts_at=datetime(2027, 1, 10, 15))
    db.session.rollback()


def test_a_long_read_leaves_writers_free(app, make_event, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("only SQLite has a database-wide write lock")
    make_event()
    db.session.commit()
    wrote = threading.Event()

    def write() -> None:
        with app.app_context():
            db.session.execute(update(Event).values(venue="Elders"))
            db.session.commit()
            wrote.set()

    with reading_only():
        assert db.session.scalar(select(Event.venue)) == "Techport Centre"
        writer = threading.Thread(target=write)
        writer.start()
        assert wrote.wait(timeout=5), "the writer waited for the reader"
        writer.join()
        db.session.rollback()
