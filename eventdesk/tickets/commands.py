"""``eventdesk resend-tickets SLUG``: mail every confirmed guest their ticket again."""

import click
from flask.cli import with_appcontext

from eventdesk.db import db
from eventdesk.events.commands import event_or_stop
from eventdesk.tickets.service import resend_tickets


@click.command("resend-tickets")
@click.argument("slug")
@with_appcontext
def resend_tickets_command(slug: str) -> None:
    """Queue the ticket mail once more for every confirmed guest of the event SLUG."""
    event = event_or_stop(slug)
    count = resend_tickets(event)
    db.session.commit()
    click.echo(f"Queued {count} ticket mail(s) for {slug}; the worker sends them.")
