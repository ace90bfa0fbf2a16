"""The organiser corrects a guest's details and checks a guest in or out by hand."""

from flask import flash, g, render_template
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from eventdesk.checkin import doors
from eventdesk.checkin import service as checkin
from eventdesk.checkin.access import opens_before
from eventdesk.db import db, utcnow
from eventdesk.organiser.attendee_routes import _back, _registration
from eventdesk.organiser.blueprint import bp
from eventdesk.organiser.forms import EditGuestForm
from eventdesk.organiser.guest_edit import edit_guest
from eventdesk.organiser.words import scan_result_label
from eventdesk.registration import errors


@bp.route("/events/<slug>/attendees/<int:registration_id>/edit", methods=["GET", "POST"])
def edit_attendee(slug: str, registration_id: int):
    """Correct a guest's name, address, organisation and mail language."""
    registration = _registration(registration_id)
    form = EditGuestForm(obj=registration)
    if form.validate_on_submit():
        try:
            mailed = edit_guest(
                registration, name=form.name.data.strip(), email=form.email.data,
                organisation=(form.organisation.data or "").strip(),
                language=form.language.data, now=utcnow(),
            )
        except errors.AlreadyRegistered:
            db.session.rollback()
            form.email.errors.append(_("Another registration for this event uses this address."))
        except errors.AlreadyCancelled:
            db.session.rollback()
            flash(_("This registration is cancelled: its details can no longer change."), "error")
            return _back(registration)
        else:
            db.session.commit()
            flash(_("The ticket went to the new address.") if mailed else _("Details saved."),
                  "success")
            return _back(registration)
    return render_template(
        "organiser/edit_guest.html", event=g.event, registration=registration, form=form,
    ), (422 if form.errors else 200)


def _desk_door():
    # Check-ins from the back office are logged at the organiser's own door,
    # exactly as the door page logs them.
    return doors.door_for_user(g.event, current_user, now=utcnow())


@bp.post("/events/<slug>/attendees/<int:registration_id>/checkin")
def check_in_attendee(slug: str, registration_id: int):
    """Check a guest in from the attendee page."""
    registration = _registration(registration_id)
    if not FlaskForm().validate_on_submit():
        return _back(registration)
    result = checkin.check_in_registration(
        g.event, registration.id, door=_desk_door(), nonce=None, now=utcnow(),
        opens_before=opens_before(),
    )
    db.session.commit()
    if result.ok:
        flash(_("%(name)s is checked in.", name=registration.name), "success")
    else:
        flash(_("Not checked in: %(reason)s.", reason=scan_result_label(
            result.status, result.reason)), "error")
    return _back(registration)


@bp.post("/events/<slug>/attendees/<int:registration_id>/checkout")
def check_out_attendee(slug: str, registration_id: int):
    """Take back a guest's check-in, so the ticket can be scanned again."""
    registration = _registration(registration_id)
    if not FlaskForm().validate_on_submit():
        return _back(registration)
    result = checkin.undo(g.event, registration.id, door=_desk_door(), nonce=None, now=utcnow())
    db.session.commit()
    if result.ok:
        flash(_("The check-in of %(name)s is undone.", name=registration.name), "success")
    else:
        flash(_("%(name)s was not checked in.", name=registration.name), "error")
    return _back(registration)
