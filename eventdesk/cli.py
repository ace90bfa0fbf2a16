"""The ``eventdesk`` command line.

Mistakes in the setup (a missing setting, a database that cannot be opened or
is not migrated) end a command with one line that says what to do, never a
traceback; ``--help`` works without any configuration.
"""

import copy
import functools
import logging
import os
import secrets
import socket
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo
from flask_migrate import upgrade
from flask_migrate.cli import db as db_group
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from eventdesk import create_app
from eventdesk.auth.models import Role, User
from eventdesk.checkin.commands import door_token
from eventdesk.config import ConfigError
from eventdesk.db import db, utcnow
from eventdesk.events.commands import event_or_stop
from eventdesk.inputs import normalize_email
from eventdesk.invitations.commands import invite_command
from eventdesk.messages.commands import message_command
from eventdesk.operations.commands import backup_command, restore_command
from eventdesk.operations.logs import configure_logging
from eventdesk.operations.schema import SchemaNotCurrent, check_schema, make_sqlite_folder
from eventdesk.organiser.commands import export_command, privacy_purge_command
from eventdesk.tickets.commands import resend_tickets_command
from eventdesk.worker import worker_command

log = logging.getLogger("eventdesk.serve")

# Every other command reads or writes the data, so it first checks that the
# schema is current: `db` migrates it, `serve` migrates before serving, a
# backup copies whatever is there and a restore may bring an older schema.
SCHEMA_NOT_CHECKED = {"db", "serve", "backup", "restore"}


def one_line(error: BaseException) -> str:
    """Return an error as one line of text, for the command line."""
    if isinstance(error, SQLAlchemyError):
        cause = getattr(error, "orig", None) or error
        text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        return f"The database does not answer: {text} (check DATABASE_URL or EVENTDESK_INSTANCE)"
    return " ".join(str(error).split())


def _demo_secret_key(app_instance_path: str) -> str:
    """Return the demo's secret key, kept in the instance folder across restarts."""
    path = Path(app_instance_path) / "demo_secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _demo_wanted() -> bool:
    return os.environ.get("EVENTDESK_DEMO", "").strip().lower() in ("1", "true", "yes", "on")


def load_app() -> Flask:
    """Create the app for a command, turning a configuration mistake into one line."""
    if _demo_wanted() and not os.environ.get("EVENTDESK_SECRET_KEY"):
        # Commands against the demo's database sign links as the demo server does.
        default = Flask("eventdesk", instance_relative_config=True).instance_path
        path = os.environ.get("EVENTDESK_INSTANCE") or default
        os.environ["EVENTDESK_SECRET_KEY"] = _demo_secret_key(os.path.abspath(path))
    try:
        app = create_app()
        make_sqlite_folder(app)
    except (ConfigError, SQLAlchemyError, OSError) as error:
        raise click.ClickException(one_line(error)) from None
    return app


def _needing_current_schema(command: click.Command) -> click.Command:
    """Return a copy of ``command`` that runs in an app context on a current schema."""
    callback = command.callback

    @functools.wraps(callback)
    def run(*args, **kwargs):
        ctx = click.get_current_context()
        if not current_app:
            ctx.with_resource(ctx.ensure_object(ScriptInfo).load_app().app_context())
        try:
            check_schema(current_app._get_current_object())
            return callback(*args, **kwargs)
        except SchemaNotCurrent as error:
            raise click.ClickException(str(error)) from None
        except (ConfigError, SQLAlchemyError) as error:
            raise click.ClickException(one_line(error)) from None

    wrapped = copy.copy(command)
    wrapped.callback = run
    return wrapped


class EventdeskGroup(FlaskGroup):
    """Flask's command group, listing only eventdesk's own commands.

    Flask's group creates the app to list the commands an app adds, so a
    missing setting broke ``--help``; eventdesk adds its commands here.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = self.commands.get(name)
        if command is not None and name not in SCHEMA_NOT_CHECKED:
            return _needing_current_schema(command)
        return command


@click.group(cls=EventdeskGroup, create_app=load_app, add_default_commands=False,
             add_version_option=False)
def cli() -> None:
    """eventdesk: event registration, QR tickets and door check-in."""


# Flask's --app, --env-file and --debug would only confuse here (debug mode
# even relaxes the secret key check).
cli.params = [param for param in cli.params if param.name not in ("app", "env_file", "debug")]


def port_taken(host: str, port: int) -> bool:
    """Tell whether another program already listens on ``host:port``."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As gunicorn binds: a port left in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


@cli.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed the demo event and accounts; keep mail locally.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, demo: bool) -> None:
    """Migrate the database once, then serve eventdesk with gunicorn."""
    from eventdesk.mail.embedded import MailWorkerSupervisor
    from eventdesk.server import run_gunicorn

    if port_taken(host, port):
        hint = f"make demo PORT={port + 1}" if demo else f"--port {port + 1}"
        raise click.ClickException(
            f"Port {port} on {host} is taken by another program: choose another, e.g. {hint}"
        )
    if demo:
        os.environ["EVENTDESK_DEMO"] = "true"
        os.environ.setdefault("EVENTDESK_BASE_URL", f"http://{host}:{port}")
    app = ctx.ensure_object(ScriptInfo).load_app()
    links: list[str] = []
    with app.app_context():
        database = db.engine.url.render_as_string(hide_password=True)
        log.info("database %s", database, extra={"database": database})
        try:
            upgrade()
        except SQLAlchemyError as error:
            raise click.ClickException(one_line(error)) from None
        if demo:
            from eventdesk.demo import DEMO_ACCOUNTS, DEMO_SLUG, seed_demo
            from eventdesk.organiser.demo_guests import seed_demo_guests

            seed_demo_guests(seed_demo(now=utcnow()), now=utcnow())
            db.session.commit()
            base = f"http://{host}:{port}"
            links = [
                "",
                f"  Demo event:   {base}/events/{DEMO_SLUG}",
                f"  Home page:    {base}/",
                f"  Mailbox:      {base}/dev/mailbox",
                f"  Door check-in: {base}/events/{DEMO_SLUG}/checkin (log in as door)",
                *(f"  {role.value:<12}  {email} / {password}"
                  for role, email, password in DEMO_ACCOUNTS),
                "",
            ]
    supervisor = MailWorkerSupervisor.for_app(app)
    try:
        # The links appear once gunicorn listens, so each one works when printed.
        run_gunicorn(app, host=host, port=port, workers=workers, mail_worker=supervisor,
                     when_ready=lambda: click.echo("\n".join(links)) if links else None)
    finally:
        if supervisor is not None:
            supervisor.stop()


@cli.command("create-user")
@click.option("--email", default=None, help="Asked for when left out.")
@click.option("--name", default="")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value,
    show_default=True,
)
@click.option("--event", "events", multiple=True, metavar="SLUG",
              help="Organiser of these events only (repeatable); all events when left out.")
@click.option("--password", default=None, help="Asked for (twice, hidden) when left out.")
def create_user(email: str | None, name: str, role: str, events: tuple[str, ...],
                password: str | None) -> None:
    """Create an account (the first one is usually an admin)."""
    # Asked here, after the database was found ready, not before.
    if email is None:
        email = click.prompt("Email")
    email = normalize_email(email)
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise click.ClickException(f"An account for {email} exists already.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        raise click.ClickException("Use a password of at least 10 characters.")
    if events and role != Role.ORGANISER.value:
        raise click.ClickException("Only organisers can be limited to chosen events.")
    user = User(email=email, name=name, role=Role(role), all_events=not events)
    for slug in events:
        event = event_or_stop(slug)
        user.events.append(event)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} account {email}.")


cli.add_command(db_group)
cli.add_command(door_token)
cli.add_command(worker_command)
cli.add_command(resend_tickets_command)
cli.add_command(export_command)
cli.add_command(privacy_purge_command)
cli.add_command(invite_command)
cli.add_command(message_command)
cli.add_command(backup_command)
cli.add_command(restore_command)


def main() -> None:
    """Run the command line."""
    configure_logging()
    try:
        cli.main(prog_name="eventdesk")
    except (ConfigError, SQLAlchemyError, SchemaNotCurrent) as error:
        # Raised outside eventdesk's own commands, such as in `db upgrade`.
        click.echo(f"Error: {one_line(error)}", err=True)
        sys.exit(1)
