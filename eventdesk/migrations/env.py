"""Alembic environment: run migrations on the Flask app's database."""

import logging

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")
target_db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Write eventdesk's column types as plain SQLAlchemy ones.

    Migrations then never import application code, which may change later.
    """
    from eventdesk.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def process_revision_directives(context, revision, directives):
    """Write no empty revision when autogenerate finds no change."""
    if getattr(context.config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    context.configure(
        url=target_db.engine.url.render_as_string(hide_password=False),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table and drops the old one; with foreign
            # keys on, dropping ``events`` cascaded and deleted every registration,
            # door and scan. SQLite takes this setting only outside a transaction.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_db.metadata,
                render_item=render_item,
                **conf_args,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection) -> None:
    """Refuse (and so roll back) a migration that left rows pointing nowhere."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration left rows without their parent rows: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
