"""The organiser's page for an event's doors: create, name, renew and revoke."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from eventdesk.asking import asks_first
from eventdesk.auth.permissions import managed_event_or_403
from eventdesk.checkin import doors
from eventdesk.checkin.door_qr import qr_svg
from eventdesk.checkin.forms import ConfirmForm, DoorForm
from eventdesk.checkin.models import Door
from eventdesk.checkin.routes import bp
from eventdesk.db import db, utcnow
from eventdesk.links import external_url

PREFIX = "/organiser/events/<slug>/doors"


def _door(event, door_id: int) -> Door:
    return db.first_or_404(select(Door).where(Door.id == door_id, Door.event_id == event.id))


def _render(event, form, issued=None, status=200):
    return render_template(
        "checkin/doors.html",
        event=event,
        form=form,
        doors=doors.event_doors(event),
        issued=issued,
        door_qr=qr_svg(issued["link"]) if issued else None,
        confirm=ConfirmForm(),
    ), status


def _issue(door, *, with_pin: bool) -> dict:
    token = doors.issue_token(door)
    pin = doors.issue_pin(door) if with_pin else None
    return {
        "door": door.name,
        "link": external_url("checkin.door_link", token=token),
        "token": token,
        "pin": pin,
        "page": external_url("checkin.page", slug=door.event.slug),
    }


@bp.get(PREFIX)
@login_required
def doors_index(slug: str):
    """List the doors of an event."""
    return _render(managed_event_or_403(slug), DoorForm())


@bp.post(PREFIX)
@login_required
def doors_create(slug: str):
    """Create a door; its link and PIN are shown once, as only hashes are kept."""
    event = managed_event_or_403(slug)
    form = DoorForm()
    if not form.validate_on_submit():
        return _render(event, form, status=422)
    try:
        door = doors.create_door(event, name=form.name.data, now=utcnow())
    except doors.DoorNameTaken:
        form.name.errors.append(_("A door with this name exists already."))
        return _render(event, form, status=422)
    issued = _issue(door, with_pin=form.with_pin.data)
    db.session.commit()
    # Rendered, not redirected: the secrets must not travel through the session cookie.
    return _render(event, DoorForm(formdata=None), issued=issued)


def door_name(slug: str, door_id: int) -> str:
    """Name the door a confirmation page is about (after the access check)."""
    g.event = managed_event_or_403(slug)
    return _door(g.event, door_id).name


@bp.post(PREFIX + "/<int:door_id>/renew")
@login_required
@asks_first(
    _l("Give this door a new link and PIN?"),
    consequence=_l("The old link and PIN stop working at once: phones scanning with them "
                   "are logged out and need the new link."),
    button=_l("Yes, renew"), back="checkin.doors_index", subject=door_name,
)
def doors_renew(slug: str, door_id: int):
    """Give a door a new link and PIN, ending the old ones."""
    event = managed_event_or_403(slug)
    door = _door(event, door_id)
    if not door.active:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    issued = _issue(door, with_pin=True)
    db.session.commit()
    return _render(event, DoorForm(formdata=None), issued=issued)


@bp.post(PREFIX + "/<int:door_id>/revoke")
@login_required
@asks_first(
    _l("Revoke this door?"),
    consequence=_l("Its link, PIN and open sessions stop working at once. "
                   "Scans made at this door stay in the records."),
    button=_l("Yes, revoke the door"), back="checkin.doors_index", subject=door_name,
)
def doors_revoke(slug: str, door_id: int):
    """Revoke a door: its link, token, PIN and open sessions stop working."""
    event = managed_event_or_403(slug)
    door = _door(event, door_id)
    if ConfirmForm().validate_on_submit():
        doors.revoke_door(door, now=utcnow())
        db.session.commit()
        flash(_("Door %(name)s is revoked.", name=door.name), "info")
    return redirect(url_for("checkin.doors_index", slug=event.slug))
