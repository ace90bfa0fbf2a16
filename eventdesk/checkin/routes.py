"""The check-in page, opening a door with a link or a PIN, and leaving it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from eventdesk.auth import throttle
from eventdesk.checkin import doors, offline_shell
from eventdesk.checkin.access import (
    door_for_request,
    event_by_slug,
    forget_door,
    remember_door,
    remembered,
)
from eventdesk.checkin.forms import ConfirmForm, PinForm
from eventdesk.checkin.page import page_config
from eventdesk.checkin.pin_limits import pin_checks, pin_succeeded
from eventdesk.db import db, reads_before_writes, utcnow
from eventdesk.i18n import current_language

bp = Blueprint("checkin", __name__)


def _event_or_404(slug: str):
    event = event_by_slug(slug)
    if event is None:
        abort(404)
    return event


@bp.get("/events/<slug>/checkin")
def page(slug: str):
    """Show the door screen, or the way in for a volunteer."""
    event = _event_or_404(slug)
    door = door_for_request(event)
    if door is None:
        db.session.commit()
        # No list of doors: their names and ids are nobody's business before the PIN.
        return render_template("checkin/enter.html", event=event, form=PinForm()), 401
    db.session.commit()
    return render_template(
        "checkin/page.html",
        event=event,
        door=door,
        title=event.title(current_language()),
        config=page_config(event, door, named=remembered(event, door)),
        leave_form=ConfirmForm(),
        tablet_name_max=doors.TABLET_NAME_MAX,
    )


@bp.get("/events/<slug>/checkin-sw.js")
def service_worker(slug: str):
    """Send the door's service worker, with the addresses of what it keeps for offline use."""
    event = _event_or_404(slug)
    db.session.commit()
    return offline_shell.service_worker(event)


@bp.post("/events/<slug>/checkin/pin")
def enter_pin(slug: str):
    """Open the door of this event whose PIN this is."""
    event = _event_or_404(slug)
    form = PinForm()
    if form.validate_on_submit():
        now, address = utcnow(), request.remote_addr
        checks = pin_checks(event, address, now=now)
        try:
            throttle.admit(checks, now=now)
        except throttle.Throttled as refused:
            db.session.commit()
            form.form_errors.append(refused.message())
            return render_template("checkin/enter.html", event=event, form=form), 429, \
                refused.headers()
        db.session.commit()  # counted before the slow PIN checks, as for logins
        with reads_before_writes():
            door = doors.door_for_pin(event, form.pin.data)
        if door is not None:
            pin_succeeded(checks, event, address, now=now)
            remember_door(door)
            db.session.commit()
            return redirect(url_for("checkin.page", slug=event.slug))
        form.form_errors.append(_("That PIN does not open a door of this event."))
    return render_template("checkin/enter.html", event=event, form=form), 422


@bp.get("/door/<token>")
def door_link(token: str):
    """Open the door a link was made for, then go to its check-in page."""
    door = doors.door_by_token(token)
    if door is None:
        abort(404)
    remember_door(door)
    return redirect(url_for("checkin.page", slug=door.event.slug))


@bp.post("/events/<slug>/checkin/leave")
def leave(slug: str):
    """Close this browser's door session."""
    event = _event_or_404(slug)
    if ConfirmForm().validate_on_submit():
        forget_door(event)
        db.session.commit()
    return redirect(url_for("checkin.page", slug=event.slug))


@bp.post("/events/<slug>/checkin/logout")
def log_out(slug: str):
    """Log the door account out and show the login form, which leads back to this door."""
    event = _event_or_404(slug)
    if ConfirmForm().validate_on_submit() and current_user.is_authenticated:
        # As the site's own logout: every session of the account ends.
        current_user.end_sessions()
        db.session.commit()
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login", next=url_for("checkin.page", slug=event.slug)))

# The organiser's door management shares this blueprint.
from eventdesk.checkin import door_routes  # noqa: E402,F401
