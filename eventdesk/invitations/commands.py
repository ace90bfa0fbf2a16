"""``eventdesk invite SLUG FILE [--send]``: import an invitee list, and send, from a script."""

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from eventdesk.db import db, utcnow
from eventdesk.events.commands import event_or_stop
from eventdesk.invitations import sending, service
from eventdesk.invitations.csvfile import CsvError


@click.command("invite")
@click.argument("slug")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--send", is_flag=True, help="Also send the invitations not sent yet.")
@click.option("--dry-run", is_flag=True, help="Only check the list; change nothing.")
@with_appcontext
def invite_command(slug: str, csv_file, send: bool, dry_run: bool) -> None:
    """Import the invitees in CSV_FILE for the event SLUG: all rows, or none if any is wrong."""
    event = event_or_stop(slug)
    now = utcnow()
    with force_locale("en"):
        try:
            preview = service.preview_upload(event, csv_file.read())
        except CsvError as error:
            raise click.ClickException(str(error)) from error
        for row in preview.problem_rows:
            click.echo(f"line {row.line}: {' '.join(row.problems)}", err=True)
    click.echo(
        f"{len(preview.rows)} row(s) read ({preview.encoding}, {preview.delimiter!r}): "
        f"{len(preview.new_rows)} new, {len(preview.known_rows)} invited already, "
        f"{len(preview.problem_rows)} with problems."
    )
    if preview.ignored_columns:
        click.echo(f"Ignored columns: {', '.join(preview.ignored_columns)}")
    if preview.problem_rows:
        raise click.ClickException("Nothing imported: fix the lines above and run again.")
    if dry_run:
        return
    added = service.import_rows(event, preview.new_rows, now=now) if preview.new_rows else 0
    sent = sending.send_invitations(event, now=now) if send else 0
    db.session.commit()
    click.echo(f"Imported {added} invitee(s).")
    if send:
        click.echo(f"Queued {sent} invitation(s); the mail worker sends them.")
