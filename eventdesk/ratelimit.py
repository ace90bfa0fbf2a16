"""Hit counters in fixed time windows, kept in the database.

Every app server and worker counts against the same rows, and a hit is one
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement: it counts first
and tells the total after, so parallel requests cannot all slip under a limit
by reading the same old count.
"""

from datetime import datetime, timedelta

from sqlalchemy import String, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from eventdesk.db import db

KEY_LENGTH = 300
# The worker forgets counters whose window started longer ago than this: longer
# than the longest window any caller counts in (addresses an account logged in
# from are remembered for 30 days).
KEPT_FOR = timedelta(days=31)


class RateCounter(db.Model):
    """How often ``key`` was hit since its window started."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    hits: Mapped[int]
    window_started_at: Mapped[datetime] = mapped_column(index=True)


def _hit_statement(key: str, *, window: timedelta, now: datetime, amount: int):
    table = RateCounter.__table__
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    expired = table.c.window_started_at <= now - window
    return (
        insert(table)
        .values(key=key[:KEY_LENGTH], hits=amount, window_started_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "hits": case((expired, amount), else_=table.c.hits + amount),
                "window_started_at": case((expired, now), else_=table.c.window_started_at),
            },
        )
        .returning(table.c.hits, table.c.window_started_at)
    )


def hit(key: str, *, window: timedelta, now: datetime, amount: int = 1) -> int:
    """Count ``amount`` hits against ``key`` and return its total in the current window."""
    return db.session.execute(
        _hit_statement(key, window=window, now=now, amount=amount)
    ).scalar_one()


def hit_since(
    key: str, *, window: timedelta, now: datetime, amount: int = 1
) -> tuple[int, datetime]:
    """Count ``amount`` hits against ``key``; return its total and when its window started."""
    row = db.session.execute(
        _hit_statement(key, window=window, now=now, amount=amount)
    ).one()
    return row.hits, row.window_started_at


def release(key: str, *, window: timedelta, now: datetime, amount: int = 1) -> None:
    """Take back ``amount`` hits counted against ``key`` in its current window.

    For an attempt that was counted first and then turned away: it must not
    make the next one wait longer. Never goes below zero or into a new window.
    """
    table = RateCounter.__table__
    db.session.execute(
        update(table)
        .where(
            table.c.key == key[:KEY_LENGTH],
            table.c.window_started_at > now - window,
            table.c.hits >= amount,
        )
        .values(hits=table.c.hits - amount)
    )


def count(key: str, *, window: timedelta, now: datetime) -> int:
    """Return the hits of ``key`` in its current window without counting one."""
    hits = db.session.execute(
        select(RateCounter.hits).where(
            RateCounter.key == key[:KEY_LENGTH], RateCounter.window_started_at > now - window
        )
    ).scalar_one_or_none()
    return hits or 0


def clear(key: str) -> None:
    """Forget the hits of ``key``."""
    db.session.execute(delete(RateCounter).where(RateCounter.key == key[:KEY_LENGTH]))


def forget_older_than(moment: datetime) -> int:
    """Delete counters whose window started before ``moment``; return how many.

    Some counters are remembered for their whole window: addresses an account
    logged in from (30 days) and door sessions that were left (14 days, or a
    copied cookie of a left door would work again): the worker passes
    ``now - KEPT_FOR``.
    """
    result = db.session.execute(
        delete(RateCounter).where(RateCounter.window_started_at < moment)
    )
    return result.rowcount
