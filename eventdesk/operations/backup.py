"""Copies of a SQLite database, taken and put back with SQLite's online backup API.

The backup API copies a consistent snapshot while the app keeps serving: in
WAL mode the copy reads one snapshot and writers are not held up. PostgreSQL
has its own tools for this (``pg_dump`` and ``pg_restore``, see docs/deploy.md).
"""

import os
import sqlite3
from datetime import datetime
from pathlib import Path

REQUIRED_TABLES = {"alembic_version", "events", "registrations"}


class BackupError(RuntimeError):
    """The backup or restore cannot be done as asked."""


def backup_name(now: datetime) -> str:
    """Return the file name of a backup taken at ``now``."""
    return f"eventdesk-{now.strftime('%Y-%m-%dT%H%M%SZ')}.sqlite"


def _copy(source: sqlite3.Connection, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    destination = sqlite3.connect(partial)
    try:
        source.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        destination.close()
    os.chmod(partial, 0o600)  # guests' personal data
    # Under its final name only once complete: a half-written backup is never mistaken.
    partial.replace(target)


def backup_sqlite(database: Path, target: Path) -> None:
    """Copy the live database ``database`` into the new file ``target``."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose another file")
    if not database.exists():
        raise BackupError(f"There is no database at {database}")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        _copy(source, target)
    finally:
        source.close()


def tables(database: Path) -> set[str]:
    """Return the names of the tables in a SQLite file (none if it does not exist)."""
    if not database.exists() or database.stat().st_size == 0:
        return set()
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()


def check_backup(backup: Path) -> None:
    """Raise BackupError unless ``backup`` is an intact eventdesk database."""
    if not backup.is_file():
        raise BackupError(f"There is no file {backup}")
    try:
        connection = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
        found = tables(backup)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup} is not a SQLite database: {error}") from None
    if verdict != "ok":
        raise BackupError(f"{backup} is damaged: {verdict}")
    if not REQUIRED_TABLES.issubset(found):
        raise BackupError(f"{backup} is not an eventdesk database")


def restore_sqlite(backup: Path, database: Path, *, keep_old: Path | None) -> None:
    """Put ``backup`` in place of ``database``; first copy a database in use to ``keep_old``."""
    check_backup(backup)
    database.parent.mkdir(parents=True, exist_ok=True)
    if keep_old is not None:
        backup_sqlite(database, keep_old)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    target = sqlite3.connect(database, timeout=30)
    try:
        # Page by page into the database itself: a process that has it open
        # sees the restored data, not a file replaced behind its back.
        source.backup(target)
    finally:
        target.close()
        source.close()
