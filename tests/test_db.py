"""Database plumbing: aware UTC datetimes; SQLite's write lock and the writers' turn."""

import multiprocessing
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.pool import StaticPool

from eventdesk.db import db, reading_only
from eventdesk.events.models import Event
from eventdesk.sqlite_tuning import WriterTurn, configure_sqlite


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


def test_a_write_dropped_midway_hands_the_turn_on(app, make_event, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("only SQLite writers take turns")
    make_event()
    db.session.commit()
    with db.engine.connect() as dropped:
        dropped.execute(update(Event).values(venue="Elders"))  # holds the turn
        dropped.invalidate()  # as when the database connection is lost
    started = time.monotonic()
    with db.engine.begin() as connection:
        connection.execute(update(Event).values(venue="Velsen"))
    # Without the turn handed on, this writer would wait 15 s for it.
    assert time.monotonic() - started < 2
    assert db.session.scalar(select(Event.venue)) == "Velsen"
    db.session.rollback()


def test_writers_in_two_processes_take_turns(tmp_path):
    # Gunicorn workers and the outbox worker are separate processes writing
    # to one SQLite file: the turn must be one across processes. The child is
    # forked while this process holds the turn, as a process may fork in the
    # middle of a write: it must start without the turn and wait for it.
    turn = WriterTurn(str(tmp_path / "eventdesk.sqlite"))
    context = multiprocessing.get_context("fork")
    parent_released = context.Event()
    child_got = context.Array("b", 2)

    def other_process() -> None:
        child_got[0] = turn.acquire(timeout=0.2)
        parent_released.wait(timeout=10)
        child_got[1] = turn.acquire(timeout=10)
        # Ends holding the turn, as a crashed process would.

    assert turn.acquire(timeout=1)
    child = context.Process(target=other_process)
    child.start()
    time.sleep(0.5)
    turn.release()
    parent_released.set()
    child.join(timeout=15)

    assert child.exitcode == 0
    assert list(child_got) == [0, 1]  # refused while the parent held it, then given
    # The child's lock went with it.
    assert turn.acquire(timeout=1)
    turn.release()


@pytest.mark.parametrize("url", [
    "sqlite:///{folder}/eventdesk.sqlite",
    "sqlite:///file:{folder}/eventdesk.sqlite?uri=true",
    "sqlite:///file:{folder}/eventdesk.sqlite?mode=rwc&uri=true",
])
def test_the_writers_lock_file_lies_beside_the_database(tmp_path, monkeypatch, url):
    # Beside the file SQLite opened, however the URL names it; never in the
    # current folder, where another database's writers could share it.
    folder, elsewhere = tmp_path / "data", tmp_path / "cwd"
    folder.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    engine = create_engine(url.format(folder=folder))
    configure_sqlite(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE seats (taken INTEGER)"))
    engine.dispose()
    assert (folder / "eventdesk.sqlite-writers.lock").is_file()
    assert list(elsewhere.iterdir()) == []


def test_an_in_memory_database_has_no_writers_lock_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = create_engine("sqlite:///file:eventdesk?mode=memory&cache=shared&uri=true",
                           poolclass=StaticPool)
    configure_sqlite(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE seats (taken INTEGER)"))
    engine.dispose()
    assert list(tmp_path.iterdir()) == []
