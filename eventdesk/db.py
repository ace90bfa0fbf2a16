"""The database handle, the declarative base and SQLite connection settings."""

import fcntl
import functools
import os
import sqlite3
import threading
import time
import weakref
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

from eventdesk.config import ConfigError

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
    """Give a SQLite engine WAL mode, a busy timeout, write-locking transactions
    and writers that take turns.

    Registered on eventdesk's own engine only, not on every engine in the process.
    """
    if engine.dialect.name == "sqlite":
        event.listen(engine, "do_connect", _connect_turn_taking)
        event.listen(engine, "connect", _configure_sqlite)
        # Writers take turns (see _begin_sqlite).
        turn = WriterTurn(engine.url.database)
        event.listen(engine, "begin", functools.partial(_begin_sqlite, turn))


class WriterTurn:
    """Writers of one SQLite database take turns, across threads and processes.

    Threads of a process queue on a lock; processes on an advisory lock on a
    file beside the database, which a waiting process sees free within a
    fraction of a millisecond. SQLite's own busy handler waits in sleeps that
    grow to 100 ms, during which the database is often free: with two app
    server processes, registrations under load then came at two thirds of
    the rate, and one in twenty waited 300 ms.
    """

    POLL_SECONDS = 0.0002

    def __init__(self, database: str | None) -> None:
        in_memory = not database or database == ":memory:" or database.startswith("file::memory:")
        self._path = None if in_memory else f"{database}-writers.lock"
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._close_fd: weakref.finalize | None = None
        # A child process starts with no turn and a lock file of its own: an
        # open file it shared with its parent would share the parent's lock.
        this = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: (turn := this()) and turn._after_fork())

    def _after_fork(self) -> None:
        self._threads = threading.Lock()
        if self._close_fd is not None:
            self._close_fd()  # the parent's lock stays with the parent's copy
        self._fd = self._close_fd = None

    def _lock_fd(self) -> int | None:
        if self._fd is None and self._path is not None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                # A folder we may not write to: processes then queue on
                # SQLite's busy handler alone, as they would without this.
                self._path = None
            else:
                self._close_fd = weakref.finalize(self, os.close, self._fd)
        return self._fd

    def acquire(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the turn; tell whether it was given."""
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            return False
        lock_fd = self._lock_fd()
        while lock_fd is not None:
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._threads.release()
                    return False
                time.sleep(self.POLL_SECONDS)
            except OSError:
                # A file system without such locks: leave the processes to
                # SQLite's busy handler, as if the file could not be made.
                self._close_fd()
                self._path = self._fd = self._close_fd = None
                break
        return True

    def release(self) -> None:
        """Hand the turn on."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()


class DatabaseNotWritable(ConfigError):
    """The SQLite database (or its folder) cannot be written to."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"The SQLite database {path} is read-only. eventdesk writes to it and, beside it, "
            f"to its -wal, -shm and -writers.lock files: give the account that runs eventdesk "
            f"write access to the file and its folder, or set DATABASE_URL to a writable place."
        )


def _configure_sqlite(dbapi_connection, connection_record) -> None:
    # Let SQLAlchemy's "begin" hook below choose how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # The timeout first: switching to WAL may itself have to wait for a lock.
    cursor.execute("PRAGMA busy_timeout=15000")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as error:
        if "readonly" not in str(error):
            raise
        path = cursor.execute("PRAGMA database_list").fetchone()[2] or "(in memory)"
        cursor.close()
        raise DatabaseNotWritable(path) from error
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite(turn: WriterTurn, conn) -> None:
    # A deferred transaction that reads and then writes fails at once with
    # SQLITE_BUSY when another writer got in between; taking the write lock
    # up front makes concurrent writers queue on the busy timeout instead.
    # Page views only read, so they keep cheap deferred transactions.
    if _reading_only.get() or (has_request_context() and request.method in SAFE_METHODS):
        conn.exec_driver_sql("BEGIN")
        return
    # Writers take turns here (see WriterTurn). The timeout leaves anything
    # odd, such as a process stuck in a write, to SQLite's busy handler.
    connection = conn.connection.dbapi_connection
    if isinstance(connection, TurnTakingConnection) and turn.acquire(timeout=15):
        connection.writer_turn = turn
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class TurnTakingConnection(sqlite3.Connection):
    """A SQLite connection that hands the writers' turn on when its transaction is over.

    Over, not about to be: SQLAlchemy's commit and rollback events come before
    the COMMIT or ROLLBACK, and a writer let in at that moment found the
    database still locked and slept in SQLite's busy handler (under load, a
    third of all writes, 1.7 ms on average, with the turn held meanwhile).
    Closing counts too, for a connection dropped in the middle of a write.
    """

    writer_turn: WriterTurn | None = None

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._hand_on()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._hand_on()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._hand_on()

    def _hand_on(self) -> None:
        turn, self.writer_turn = self.writer_turn, None
        if turn is not None:
            turn.release()


def _connect_turn_taking(dialect, connection_record, cargs, cparams) -> None:
    cparams["factory"] = TurnTakingConnection


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
