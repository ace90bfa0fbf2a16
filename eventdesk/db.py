"""The database handle, the declarative base and SQLite connection settings."""

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and always hand them back aware.

    SQLite keeps no zone, so without this a value read back would be naive.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_reading_only: ContextVar[bool] = ContextVar("eventdesk_reading_only", default=False)


@contextmanager
def reading_only() -> Iterator[None]:
    """Start SQLite transactions in this block without taking the write lock.

    For long reads outside a request, such as an export on the command line,
    which would otherwise hold up every registration and check-in until done.
    """
    token = _reading_only.set(True)
    try:
        yield
    finally:
        _reading_only.reset(token)


@contextmanager
def reads_before_writes() -> Iterator[None]:
    """Do the block's reads without SQLite's write lock; writes after the block take it.

    For a request that reads and validates at length before it writes: on
    SQLite the block runs in a plain read transaction that ends with the
    block, so the write lock is held only for the short writing part and
    concurrent writers do not wait on the reading. Objects loaded in the block
    keep what they read, as on PostgreSQL, where reads take no lock either:
    whatever must be current is settled by the writes themselves (such as the
    seat counter's conditional UPDATE). On other databases nothing changes.
    """
    with reading_only():
        yield
    if db.session.get_bind().dialect.name == "sqlite":
        session = db.session()
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True


def configure_sqlite(engine: Engine) -> None:
    """Give a SQLite engine WAL mode, a busy timeout and write-locking transactions.

    Registered on eventdesk's own engine only, not on every engine in the process.
    """
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        # Writers of one process take turns on this lock (see _begin_sqlite).
        turn = threading.Lock()
        event.listen(engine, "begin", functools.partial(_begin_sqlite, turn))
        event.listen(engine, "commit", functools.partial(_end_write, turn))
        event.listen(engine, "rollback", functools.partial(_end_write, turn))
        event.listen(engine.pool, "checkin", functools.partial(_end_write_on_checkin, turn))


def _configure_sqlite(dbapi_connection, connection_record) -> None:
    # Let SQLAlchemy's "begin" hook below choose how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # The timeout first: switching to WAL may itself have to wait for a lock.
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite(turn: threading.Lock, conn) -> None:
    # A deferred transaction that reads and then writes fails at once with
    # SQLITE_BUSY when another writer got in between; taking the write lock
    # up front makes concurrent writers queue on the busy timeout instead.
    # Page views only read, so they keep cheap deferred transactions.
    if _reading_only.get() or (has_request_context() and request.method in SAFE_METHODS):
        conn.exec_driver_sql("BEGIN")
        return
    # Writers of one process take turns here: a waiting thread wakes the
    # moment the lock is free, where SQLite's busy handler polls with sleeps
    # of up to 100 ms. The timeout leaves anything odd to the busy handler.
    if turn.acquire(timeout=15):
        conn.info[_HOLDS_TURN] = True
    conn.exec_driver_sql("BEGIN IMMEDIATE")


_HOLDS_TURN = "eventdesk_holds_writer_turn"


def _end_write(turn: threading.Lock, conn) -> None:
    if conn.info.pop(_HOLDS_TURN, False):
        turn.release()


def _end_write_on_checkin(turn: threading.Lock, dbapi_connection, connection_record) -> None:
    # A transaction can also end without a commit or rollback event, when its
    # connection is invalidated: the turn is then handed on here.
    if connection_record is not None and connection_record.info.pop(_HOLDS_TURN, False):
        turn.release()


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def str_enum(enum_class: type) -> sa.Enum:
    """Return a column type that stores a string enum by its value, portably."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
