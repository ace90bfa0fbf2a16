"""SQLite connection settings that measurably matter (see benchmarks/PROFILE.md).

WAL lets readers and the one writer work at once; ``synchronous=NORMAL`` is safe
in WAL mode and saves an fsync per commit; writers take the write lock when
they begin and wait for it on the busy timeout instead of failing; and writers
in all processes take turns on a lock file beside the database, which hands the
write lock on sooner than SQLite's busy handler. Registered on eventdesk's own
engine only, not on every engine in the process.
"""

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

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from eventdesk.config import ConfigError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 15_000

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


class DatabaseNotWritable(ConfigError):
    """The SQLite database (or its folder) cannot be written to."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"The SQLite database {path} is read-only. eventdesk writes to it and, beside it, "
            f"to its -wal, -shm and -writers.lock files: give the account that runs eventdesk "
            f"write access to the file and its folder, or set DATABASE_URL to a writable place."
        )


def configure_sqlite(engine: Engine) -> None:
    """Give a SQLite engine WAL mode, a busy timeout, write-locking transactions
    and writers that take turns across processes."""
    if engine.dialect.name == "sqlite":
        turn = WriterTurn()
        event.listen(engine, "do_connect", _connect_turn_taking)
        event.listen(engine, "connect", functools.partial(_on_connect, turn))
        event.listen(engine, "begin", functools.partial(_on_begin, turn))


class WriterTurn:
    """Writers of one SQLite database take turns, across threads and processes.

    Threads of a process queue on a lock; processes on an advisory lock on a
    file beside the database, which a waiting process sees free within a
    fraction of a millisecond, where SQLite's busy handler sleeps up to 100 ms
    between tries while the database is mostly free.
    """

    POLL_SECONDS = 0.0002

    def __init__(self, database_file: str = "") -> None:
        self._path: str | None = None
        self.locate(database_file)
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._close_fd: weakref.finalize | None = None
        # A child process starts with no turn and a lock file of its own: an
        # open file it shared with its parent would share the parent's lock.
        this = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: (turn := this()) and turn._after_fork())

    def locate(self, database_file: str) -> None:
        """Put the lock file beside ``database_file``, the path SQLite itself opened.

        SQLite's own answer is right for plain paths and ``file:`` URIs alike;
        an in-memory or temporary database has no file, and no other process.
        """
        if self._path is None and database_file:
            self._path = f"{database_file}-writers.lock"

    def _after_fork(self) -> None:
        self._threads = threading.Lock()
        if self._close_fd is not None:
            self._close_fd()  # the parent's lock stays with the parent's copy
        self._fd = self._close_fd = None

    def _lock_fd(self) -> int | None:
        if self._fd is None and self._path:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                # A folder we may not write to: processes then queue on
                # SQLite's busy handler alone, as they would without this.
                self._path = ""
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
                self._path, self._fd, self._close_fd = "", None, None
                break
        return True

    def release(self) -> None:
        """Hand the turn on."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()


class TurnTakingConnection(sqlite3.Connection):
    """A SQLite connection that hands the writers' turn on when its transaction is over.

    Over, not about to be: SQLAlchemy's commit and rollback events come before
    the COMMIT or ROLLBACK, and a writer let in then finds the database still
    locked and sleeps in SQLite's busy handler. Closing counts too, for a
    connection dropped in the middle of a write.
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


def _on_connect(turn: WriterTurn, dbapi_connection, connection_record) -> None:
    # Let the "begin" hook below choose how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # The timeout first: switching to WAL may itself have to wait for a lock.
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    database_file = cursor.execute("PRAGMA database_list").fetchone()[2]
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as error:
        if "readonly" not in str(error):
            raise
        cursor.close()
        raise DatabaseNotWritable(database_file or "(in memory)") from error
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Not tuning but correctness: SQLite leaves foreign keys unchecked unless asked.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    turn.locate(database_file)


def _on_begin(turn: WriterTurn, conn) -> None:
    # A deferred transaction that reads and then writes fails at once with
    # SQLITE_BUSY when another writer got in between (the busy handler is not
    # called for that upgrade); taking the write lock up front makes concurrent
    # writers queue on the busy timeout instead. Page views only read, so they
    # keep cheap deferred transactions.
    if _reading_only.get() or (has_request_context() and request.method in SAFE_METHODS):
        conn.exec_driver_sql("BEGIN")
        return
    # Writers take turns here (see WriterTurn). The timeout leaves anything
    # odd, such as a process stuck in a write, to SQLite's busy handler.
    connection = conn.connection.dbapi_connection
    if isinstance(connection, TurnTakingConnection) and turn.acquire(timeout=15):
        connection.writer_turn = turn
    conn.exec_driver_sql("BEGIN IMMEDIATE")
