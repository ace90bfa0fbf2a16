"""``eventdesk message SLUG --to AUDIENCE ...``: write to an event's guests from a script."""

import secrets
from datetime import datetime

import click
from flask.cli import with_appcontext

from eventdesk.db import db, utcnow
from eventdesk.events.commands import event_or_stop
from eventdesk.events.models import Event
from eventdesk.messages import service
from eventdesk.messages.models import Audience, BatchKind

MAX_BODY = 20_000


def _moment(text: str, event: Event) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter("use YYYY-MM-DDTHH:MM (event time) or ISO 8601") from error
    return moment.replace(tzinfo=event.zone) if moment.tzinfo is None else moment


@click.command("message")
@click.argument("slug")
@click.option("--to", "audience", required=True, type=click.Choice([a.value for a in Audience]))
@click.option("--subject", required=True, help="The subject (the guest's name: {name}).")
@click.option("--body-file", required=True, type=click.File("r", encoding="utf-8"),
              help="Markdown text; {name} and {manage_link} are filled in per guest.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="The language the whole mail is in.")
@click.option("--thanks", is_flag=True, help="A word after the event: guests may decline it.")
@click.option("--organisation", default="", help="Only guests of this organisation.")
@click.option("--at", "send_at", default=None, help="Send at this time (event time), not now.")
@click.option("--dry-run", is_flag=True, help="Only count the guests; send nothing.")
@with_appcontext
def message_command(slug: str, audience: str, subject: str, body_file, language: str,
                    thanks: bool, organisation: str, send_at: str | None,
                    dry_run: bool) -> None:
    """Send (or schedule) a message to the chosen guests of the event SLUG."""
    event = event_or_stop(slug)
    body = body_file.read(MAX_BODY + 1).strip()
    subject = " ".join(subject.split())
    if not subject or not body:
        raise click.ClickException("The subject and the text may not be empty.")
    if len(body) > MAX_BODY or len(subject) > 200:
        raise click.ClickException(f"At most 200 characters of subject and {MAX_BODY} of text.")
    now = utcnow()
    moment = _moment(send_at, event) if send_at else now
    if moment < now:
        raise click.ClickException("That moment has passed; leave out --at to send now.")
    fields = {
        "kind": BatchKind.THANKS if thanks else BatchKind.UPDATE,
        "audience": Audience(audience), "organisation": organisation, "language": language,
        f"subject_{language}": subject, f"body_{language}": body, "send_at": moment,
    }
    batch = None if dry_run else service.create_batch(
        event, key="cli-" + secrets.token_urlsafe(16), now=now, created_by="command line",
        **fields)
    guests = service.recipients(batch) if batch else service.recipients(
        _unsaved(event, fields))
    if not guests:
        db.session.rollback()
        raise click.ClickException("No guest matches this choice: nothing was sent.")
    if dry_run:
        click.echo(f"{len(guests)} guest(s) would get this message.")
        return
    if moment <= now:
        queued = service.queue_batch(batch, now=now)
        db.session.commit()
        click.echo(f"Queued {queued} message(s); the mail worker sends them.")
    else:
        db.session.commit()
        click.echo(f"Scheduled for {moment.isoformat()}: {len(guests)} guest(s) now.")


def _unsaved(event: Event, fields: dict):
    from eventdesk.messages.models import MessageBatch

    batch = MessageBatch(event_id=event.id, **fields)
    batch.event = event
    return batch
