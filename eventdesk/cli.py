"""The ``eventdesk`` command line."""

import os
import secrets
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup
from flask_migrate import upgrade
from sqlalchemy import select

from eventdesk import create_app
from eventdesk.auth.models import Role, User
from eventdesk.checkin.commands import door_token
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event
from eventdesk.invitations.commands import invite_command
from eventdesk.mail.commands import worker_command
from eventdesk.organiser.commands import export_command, privacy_purge_command
from eventdesk.tickets.commands import resend_tickets_command


def _demo_secret_key(app_instance_path: str) -> str:
    """Return the demo's secret key, kept in the instance folder across restarts."""
    path = Path(app_instance_path) / "demo_secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """eventdesk: event registration, QR tickets and door check-in."""


@cli.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed the demo event and accounts; keep mail locally.")
def serve(host: str, port: int, workers: int, demo: bool) -> None:
    """Migrate the database once, then serve eventdesk with gunicorn."""
    from eventdesk.server import run_gunicorn

    if demo:
        os.environ["EVENTDESK_DEMO"] = "true"
        instance = Flask("eventdesk", instance_relative_config=True).instance_path
        os.environ.setdefault("EVENTDESK_SECRET_KEY", _demo_secret_key(instance))
    app = create_app()
    with app.app_context():
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        upgrade()
        if demo:
            from eventdesk.demo import DEMO_ACCOUNTS, DEMO_SLUG, seed_demo
            from eventdesk.organiser.demo_guests import seed_demo_guests

            seed_demo_guests(seed_demo(now=utcnow()), now=utcnow())
            db.session.commit()
            base = f"http://{host}:{port}"
            click.echo(f"\n  Demo event:   {base}/events/{DEMO_SLUG}")
            click.echo(f"  Home page:    {base}/")
            click.echo(f"  Mailbox:      {base}/dev/mailbox")
            click.echo(f"  Door check-in: {base}/events/{DEMO_SLUG}/checkin (log in as door)")
            for role, email, password in DEMO_ACCOUNTS:
                click.echo(f"  {role.value:<12}  {email} / {password}")
            click.echo("")
    from eventdesk.mail.embedded import embedded_worker

    with embedded_worker(app):
        run_gunicorn(app, host=host, port=port, workers=workers)


@cli.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", default="")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value,
    show_default=True,
)
@click.option("--event", "events", multiple=True, metavar="SLUG",
              help="Organiser of these events only (repeatable); all events when left out.")
@click.password_option()
def create_user(email: str, name: str, role: str, events: tuple[str, ...], password: str) -> None:
    """Create an account (the first one is usually an admin)."""
    email = email.strip().lower()
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise click.ClickException(f"An account for {email} exists already.")
    if len(password) < 10:
        raise click.ClickException("Use a password of at least 10 characters.")
    if events and role != Role.ORGANISER.value:
        raise click.ClickException("Only organisers can be limited to chosen events.")
    user = User(email=email, name=name, role=Role(role), all_events=not events)
    for slug in events:
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            raise click.ClickException(f"No event with the address {slug!r}.")
        user.events.append(event)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} account {email}.")


cli.add_command(door_token)


cli.add_command(worker_command)
cli.add_command(resend_tickets_command)
cli.add_command(export_command)
cli.add_command(privacy_purge_command)
cli.add_command(invite_command)


def main() -> None:
    """Run the command line."""
    cli()
