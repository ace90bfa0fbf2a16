"""Back-office badge pages: settings, the night's sheet and one guest's label."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from eventdesk.auth.permissions import managed_event_blueprint
from eventdesk.badges import layouts, service
from eventdesk.badges.forms import SettingsForm
from eventdesk.badges.responses import pdf_response
from eventdesk.db import db
from eventdesk.i18n import current_language
from eventdesk.registration.listing import ListQuery
from eventdesk.registration.models import Registration

bp = managed_event_blueprint("badges", __name__, "badges")


def _show_qr(settings) -> bool:
    value = request.args.get("qr")
    return settings.show_qr if value not in ("0", "1") else value == "1"


@bp.get("")
def overview():
    """Show the print options and the badge settings of the event."""
    event = g.event
    settings = service.settings_for(event)
    form = SettingsForm(obj=settings)
    count = service.badge_count(event)
    return render_template(
        "badges/overview.html", event=event, form=form, settings=settings, count=count,
        layouts=layouts.LAYOUTS, sheets=layouts.SHEETS, labels=layouts.LABELS,
    )


@bp.post("/settings")
def save_settings():
    """Store the badge settings."""
    event = g.event
    form = SettingsForm()
    if not form.validate_on_submit():
        flash(_("The settings were not saved: please choose from the lists."), "error")
        return redirect(url_for("badges.overview"))
    service.update_settings(
        event,
        print_at_checkin=form.print_at_checkin.data,
        show_qr=form.show_qr.data,
        sheet_layout=form.sheet_layout.data,
        label_layout=form.label_layout.data,
    )
    db.session.commit()
    flash(_("Badge settings saved."), "success")
    return redirect(url_for("badges.overview"))


@bp.get("/badges.pdf")
def sheet():
    """Send a PDF of the confirmed guests' badges: all of them, or the attendee list's filter."""
    event = g.event
    settings = service.settings_for(event)
    layout = layouts.layout_named(request.args.get("layout"), default=settings.sheet_layout)
    guests = service.guests_for_badges(
        event, ListQuery.from_args(request.args), sort=request.args.get("sort", "surname")
    )
    data = service.sheet_pdf(
        event, guests, layout, language=current_language(), show_qr=_show_qr(settings)
    )
    return pdf_response(data, f"badges-{event.slug}.pdf")


@bp.get("/<int:registration_id>.pdf")
def single(registration_id: int):
    """Send one guest's badge, on a label (or the layout asked for)."""
    event = g.event
    registration = db.first_or_404(select(Registration).where(
        Registration.id == registration_id, Registration.event_id == event.id))
    settings = service.settings_for(event)
    layout = layouts.layout_named(request.args.get("layout"), default=settings.label_layout)
    try:
        data = service.single_pdf(
            registration, layout, language=current_language(), show_qr=_show_qr(settings)
        )
    except service.NoBadge:
        flash(_("Only confirmed guests get a badge."), "error")
        return redirect(
            url_for("organiser.attendee", slug=event.slug, registration_id=registration_id)
        )
    return pdf_response(data, f"badge-{registration.id}.pdf")
