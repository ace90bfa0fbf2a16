"""Hit counters count first and tell the total after, in fixed windows."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from eventdesk import ratelimit
from eventdesk.db import db

NOW = datetime(2027, 1, 10, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_hits_add_up_within_the_window_and_restart_after_it(app):
    assert [ratelimit.hit("ip:1", window=HOUR, now=NOW) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("ip:1", window=HOUR, now=NOW + timedelta(minutes=59)) == 3
    assert ratelimit.count("ip:1", window=HOUR, now=NOW + HOUR) == 0
    assert ratelimit.hit("ip:1", window=HOUR, now=NOW + HOUR) == 1
    assert ratelimit.hit("ip:2", window=HOUR, now=NOW, amount=5) == 5
    ratelimit.clear("ip:2")
    assert ratelimit.count("ip:2", window=HOUR, now=NOW) == 0


def test_old_counters_are_forgotten(app):
    ratelimit.hit("old", window=HOUR, now=NOW - 2 * HOUR)
    ratelimit.hit("new", window=HOUR, now=NOW)
    db.session.commit()
    assert ratelimit.forget_older_than(NOW - HOUR) == 1
    assert ratelimit.count("new", window=HOUR, now=NOW) == 1


def test_parallel_hits_are_each_counted_once(app):
    def one_hit(_):
        with app.app_context():
            total = ratelimit.hit("pin:door", window=HOUR, now=NOW)
            db.session.commit()
            return total

    with ThreadPoolExecutor(max_workers=8) as pool:
        totals = sorted(pool.map(one_hit, range(40)))
    assert totals == list(range(1, 41))
