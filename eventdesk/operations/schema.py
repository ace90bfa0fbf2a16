"""Is the database's schema the one this version of eventdesk expects?"""

from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import make_url

from eventdesk.db import db, reading_only


class SchemaNotCurrent(RuntimeError):
    """The database is empty, behind, or ahead of this version's migrations."""


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite database URL, or None for other databases and memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_sqlite_folder(app: Flask) -> None:
    """Create the folder a SQLite database file goes in, if it is missing."""
    path = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def head_revisions(app: Flask) -> set[str]:
    """Return the newest migration revision(s) this version of eventdesk ships."""
    config = app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def current_revisions() -> set[str]:
    """Return the revision(s) the database is migrated to (empty for a new database)."""
    # In the session, as a plain read: a separate connection would wait for
    # SQLite's write lock behind a transaction this process holds.
    with reading_only():
        heads = MigrationContext.configure(db.session.connection()).get_current_heads()
    db.session.rollback()
    return set(heads)


def check_schema(app: Flask) -> None:
    """Raise SchemaNotCurrent unless the database is migrated to this version's head."""
    current, heads = current_revisions(), head_revisions(app)
    if current == heads:
        return
    if not current:
        raise SchemaNotCurrent("The database has no eventdesk tables yet: run eventdesk db upgrade")
    config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    known = {revision.revision for revision in script.walk_revisions()}
    if not current <= known:
        raise SchemaNotCurrent(
            "The database was migrated by a newer eventdesk than this one: upgrade eventdesk"
        )
    raise SchemaNotCurrent("The database schema is behind this eventdesk: run eventdesk db upgrade")
