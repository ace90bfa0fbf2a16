"""``eventdesk export``: the attendee CSV from the command line."""

import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from eventdesk.db import db, reading_only
from eventdesk.events.commands import event_or_stop
from eventdesk.organiser.export import DIALECTS, export_chunks


@click.command("export")
@click.argument("slug")
@click.option("--dialect", type=click.Choice(sorted(DIALECTS)), default="excel", show_default=True,
              help="excel: UTF-8 with BOM and ';' for Dutch Excel; csv: plain commas.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write; standard output when left out.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@with_appcontext
def export_command(slug: str, dialect: str, output: str | None, language: str) -> None:
    """Export the attendees of the event SLUG as CSV."""
    # A long read: on SQLite it must not hold the write lock, or the door and
    # registrations would wait until the export is done.
    with reading_only():
        event = event_or_stop(slug)
        with force_locale(language):
            _write(export_chunks(event, dialect=dialect, language=language), output)
        db.session.rollback()


def _write(chunks, output: str | None) -> None:
    if output:
        with open(output, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk.encode("utf-8"))
        click.echo(f"Wrote {output}.", err=True)
    else:
        stream = sys.stdout.buffer
        for chunk in chunks:
            stream.write(chunk.encode("utf-8"))
        stream.flush()


@click.command("privacy-purge")
@with_appcontext
def privacy_purge_command() -> None:
    """Erase guests' personal data of events past their retention period."""
    from eventdesk.db import utcnow
    from eventdesk.organiser.privacy import purge_expired

    total = 0
    while erased := purge_expired(now=utcnow()):
        db.session.commit()
        total += erased
    db.session.commit()
    click.echo(f"Erased {total} registration(s).")
