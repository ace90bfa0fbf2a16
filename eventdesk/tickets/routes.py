"""Guest ticket pages: the QR image, the printable ticket, the .ics file and reissuing."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from eventdesk.db import db, utcnow
from eventdesk.events import display
from eventdesk.i18n import current_language
from eventdesk.registration.codes import code_groups, short_code_display
from eventdesk.registration.models import Registration
from eventdesk.tickets import service
from eventdesk.tickets.calendar import (
    Method,
    build_invite,
    google_calendar_url,
    outlook_calendar_url,
)
from eventdesk.tickets.qr import qr_png

bp = Blueprint("tickets", __name__)

# Ticket pages carry a secret: keep them out of shared caches and referrers.
_PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


def _ticket_or_404(token: str) -> Registration:
    registration = service.registration_by_ticket_token(token)
    if registration is None:
        abort(404)
    return registration


@bp.get("/r/<token>/qr.png")
def qr(token: str):
    """Serve the QR image of the guest's ticket code."""
    registration = _ticket_or_404(token)
    return Response(qr_png(registration.ticket_code), mimetype="image/png", headers=_PRIVATE)


@bp.get("/r/<token>/ticket")
def printable(token: str):
    """Show the ticket on a page that prints cleanly on A4."""
    registration = _ticket_or_404(token)
    event = registration.event
    return (
        render_template("tickets/ticket.html", registration=registration, event=event),
        200,
        _PRIVATE,
    )


@bp.get("/r/<token>/invite.ics")
def invite(token: str):
    """Download the event as an .ics file to import into a calendar."""
    registration = _ticket_or_404(token)
    body = build_invite(registration, method=Method.PUBLISH, now=utcnow())
    headers = dict(_PRIVATE)
    headers["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.ics"'
    return Response(body, mimetype="text/calendar", headers=headers)


@bp.post("/r/<token>/reissue")
def reissue(token: str):
    """Replace the guest's ticket code with a new one and mail it."""
    registration = _ticket_or_404(token)
    try:
        service.reissue_ticket(registration, now=utcnow())
    except service.NoTicket:
        db.session.rollback()
        flash(_("This registration has no ticket to replace."), "error")
    else:
        db.session.commit()
        flash(
            _("You have a new ticket code; we mailed it to you. The old code no longer works."),
            "success",
        )
    return redirect(url_for("registration.manage", token=token))


@bp.app_template_filter("code_groups")
def code_groups_filter(code: str) -> list[str]:
    """Split a ticket code into groups that never break across lines."""
    return code_groups(code)


@bp.app_template_filter("short_code")
def short_code_filter(code: str) -> str:
    """Return the short code people type at the door, grouped as ``XXXX-XXXX``."""
    return short_code_display(code)


@bp.app_template_global()
def ticket_links(registration: Registration) -> dict:
    """Return the links the manage page shows next to a guest's ticket."""
    event = registration.event
    language = current_language()
    token = registration.manage_token
    return {
        "qr": url_for("tickets.qr", token=token),
        "printable": url_for("tickets.printable", token=token),
        "ics": url_for("tickets.invite", token=token),
        "reissue": url_for("tickets.reissue", token=token),
        "google": google_calendar_url(event, language),
        "outlook": outlook_calendar_url(event, language),
        "map": display.map_url(event),
    }
