"""What the command-line commands share about events."""

import click
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.events.models import Event


def event_or_stop(slug: str) -> Event:
    """Return the event whose address is ``slug``, or stop the command saying there is none."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event with the address {slug!r}.")
    return event
