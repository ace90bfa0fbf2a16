"""Badges at the door: print a guest's label as they check in, or again from search."""

from flask import Blueprint, Response, abort, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from eventdesk.badges import layouts, service
from eventdesk.badges.responses import pdf_response
from eventdesk.checkin.access import door_for_request, event_by_slug
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.i18n import current_language
from eventdesk.registration.models import Registration

bp = Blueprint("badge_door", __name__)


def door_config(event: Event) -> dict:
    """Return what the door script needs to print badges: the address and the setting."""
    settings = service.settings_for(event)
    return {
        # The script puts the guest's id in place of the 0.
        "url": url_for("badge_door.badge", slug=event.slug, registration_id=0),
        "print_at_checkin": settings.print_at_checkin,
        "label": _("Badge"),
        "title": _("Print badge of {name}"),
    }


@bp.get("/events/<slug>/checkin/badges/<int:registration_id>.pdf")
def badge(slug: str, registration_id: int):
    """Send a checked-in or expected guest's badge to the door's label printer."""
    event = event_by_slug(slug)
    if event is None:
        abort(404)
    door = door_for_request(event)
    if door is None:
        db.session.commit()  # what door_for_request counted stays counted
        return Response(_("Open the door page first."), status=401, mimetype="text/plain")
    registration = db.first_or_404(select(Registration).where(
        Registration.id == registration_id, Registration.event_id == event.id))
    settings = service.settings_for(event)
    try:
        data = service.single_pdf(
            registration,
            layouts.layout_named(settings.label_layout, default=layouts.DEFAULT_LABEL),
            language=current_language(),
            show_qr=settings.show_qr,
        )
    except service.NoBadge:
        return Response(
            _("Only confirmed guests get a badge."), status=409, mimetype="text/plain"
        )
    db.session.commit()
    return pdf_response(data, f"badge-{registration.id}.pdf")
