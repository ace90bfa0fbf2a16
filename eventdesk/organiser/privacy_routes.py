"""Privacy pages: the retention period, a guest's data, erasure on request."""

import json

from flask import Response, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventdesk.asking import asks_first
from eventdesk.db import db, utcnow
from eventdesk.i18n import current_language
from eventdesk.organiser import privacy
from eventdesk.organiser.attendee_routes import _registration, guest_name
from eventdesk.organiser.blueprint import bp
from eventdesk.organiser.forms import RetentionForm


@bp.post("/events/<slug>/retention")
def set_retention(slug: str):
    """Set how long the guests' personal data is kept after the event."""
    form = RetentionForm()
    if form.validate_on_submit():
        privacy.set_retention(g.event, form.days.data)
        db.session.commit()
        flash(_("The retention period is saved."), "success")
    else:
        flash(" ".join(map(str, form.days.errors)) or _("Please enter a number of days."), "error")
    return redirect(url_for("organiser.edit_event", slug=slug) + "#privacy")


@bp.get("/events/<slug>/attendees/<int:registration_id>/data.json")
def guest_data(slug: str, registration_id: int):
    """Download everything stored about one guest (a data request)."""
    registration = _registration(registration_id)
    data = privacy.guest_data(registration, language=current_language())
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="guest-{registration.uid}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/events/<slug>/attendees/<int:registration_id>/erase")
@asks_first(
    _l("Erase this guest's personal data?"),
    consequence=_l("Name, address, organisation and answers are wiped for good; "
                   "only an anonymous count stays. This cannot be undone."),
    button=_l("Yes, erase the data"), back="organiser.attendee",
    keep=("slug", "registration_id"), subject=guest_name,
)
def erase(slug: str, registration_id: int):
    """Erase one guest's personal data on request."""
    registration = _registration(registration_id)
    try:
        privacy.erase_registration(registration, now=utcnow())
    except privacy.NotErasable:
        db.session.rollback()
        flash(_("Cancel the registration first; then the data can be erased."), "error")
    else:
        db.session.commit()
        flash(_("The guest's personal data is erased."), "success")
    return redirect(
        url_for("organiser.attendee", slug=slug, registration_id=registration.id)
    )
