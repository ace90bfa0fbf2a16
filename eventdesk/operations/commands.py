"""``eventdesk backup`` and ``eventdesk restore``."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from eventdesk.db import db, utcnow
from eventdesk.operations.backup import (
    BackupError,
    backup_name,
    backup_sqlite,
    restore_sqlite,
    tables,
)
from eventdesk.operations.schema import SchemaNotCurrent, check_schema, sqlite_path

POSTGRES_HINT = (
    "This database is PostgreSQL: back it up with pg_dump -Fc and restore with pg_restore "
    "(see docs/deploy.md)."
)


def _database() -> Path:
    path = sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if path is None:
        raise click.ClickException(POSTGRES_HINT)
    return path


@click.command("backup")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: backups/eventdesk-<UTC time>.sqlite "
                   "in the instance folder).")
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Copy the SQLite database to a file, consistently, while eventdesk keeps serving."""
    database = _database()
    if output is None:
        output = Path(current_app.instance_path) / "backups" / backup_name(utcnow())
    try:
        backup_sqlite(database, output)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {database} to {output}")


@click.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace a database that holds data (a copy of it is kept beside it).")
@with_appcontext
def restore_command(backup: Path, force: bool) -> None:
    """Restore a backup made by eventdesk backup into an empty database."""
    database = _database()
    keep_old = None
    if tables(database):
        if not force:
            raise click.ClickException(
                f"{database} holds data already: stop eventdesk and add --force to replace it "
                "(a copy of it is kept)"
            )
        keep_old = database.with_name(f"{database.name}.before-restore-{backup_name(utcnow())}")
    try:
        restore_sqlite(backup, database, keep_old=keep_old)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    if keep_old is not None:
        click.echo(f"Kept the replaced database as {keep_old}")
    click.echo(f"Restored {backup} into {database}")
    db.engine.dispose()
    try:
        check_schema(current_app._get_current_object())
    except SchemaNotCurrent as error:
        click.echo(str(error))  # a backup made by an older eventdesk
