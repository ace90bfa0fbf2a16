"""``eventdesk door-token``: a bearer token for a kiosk or another scanner."""

import click
from flask.cli import with_appcontext

from eventdesk.checkin import doors
from eventdesk.db import db, utcnow
from eventdesk.events.commands import event_or_stop


@click.command("door-token")
@click.argument("slug")
@click.argument("door_name")
@with_appcontext
def door_token(slug: str, door_name: str) -> None:
    """Print a new bearer token for door DOOR_NAME of event SLUG (creating the door)."""
    event = event_or_stop(slug)
    door = doors.door_by_name(event, " ".join(door_name.split()))
    if door is None or not door.active:
        try:
            door = doors.create_door(event, name=door_name, now=utcnow())
        except doors.DoorError as error:
            raise click.ClickException("Give the door a name.") from error
    token = doors.issue_token(door)
    db.session.commit()
    click.echo(token)
