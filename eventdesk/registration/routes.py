"""Guest pages: register, the neutral thank-you page, and the manage link."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from eventdesk.db import db, reads_before_writes, utcnow
from eventdesk.events.routes import render_event_page
from eventdesk.events.service import RegistrationWindow, published_event
from eventdesk.i18n import current_language
from eventdesk.registration import errors, seats, service
from eventdesk.registration.forms import ConfirmForm, details_form, registration_form
from eventdesk.registration.models import Registration, RegistrationStatus

bp = Blueprint("registration", __name__)


def window_message(window: RegistrationWindow) -> str:
    """Explain to a guest why registration is not possible."""
    return {
        RegistrationWindow.NOT_YET_OPEN: _("Registration has not opened yet."),
        RegistrationWindow.CLOSED: _("Registration for this event is closed."),
        RegistrationWindow.CANCELLED: _("This event has been cancelled."),
        RegistrationWindow.UNPUBLISHED: _("This event is not open for registration."),
    }.get(window, _("Registration is not possible."))


@bp.post("/events/<slug>/register")
def register(slug: str):
    """Register a guest for an event."""
    # The form and its checks take longer than the writing: keep them out of
    # SQLite's write lock, which every other registration waits for.
    with reads_before_writes():
        event = published_event(slug)
        if event is None:
            abort(404)
        form = registration_form(event, current_language())
        if not form.validate():
            return render_event_page(event, form, status=422)
    try:
        service.register(
            event,
            name=form.name.data,
            email=form.email.data,
            organisation=form.organisation.data or "",
            answers=form.answers(),
            language=current_language(),
            now=utcnow(),
        )
    except errors.RegistrationNotOpen as error:
        db.session.rollback()
        form.form_errors.append(window_message(error.window))
        return render_event_page(event, form, status=409)
    except errors.InvitationRequired:
        db.session.rollback()
        form.form_errors.append(
            _("This event is by invitation only. Please use the link in your invitation.")
        )
        return render_event_page(event, form, status=403)
    db.session.commit()
    # ``slug``, not ``event.slug``: the commit expired the event, and reading
    # it again would cost a query and, on SQLite, a write-locking transaction.
    return redirect(url_for("registration.registered", slug=slug))


@bp.get("/events/<slug>/registered")
def registered(slug: str):
    """Say the same thing to a new and a repeated registration: check your inbox."""
    event = published_event(slug)
    if event is None:
        abort(404)
    return render_template("registration/registered.html", event=event)


def _registration_or_404(token: str) -> Registration:
    registration = service.registration_by_token(token)
    if registration is None:
        abort(404)
    return registration


@bp.route("/r/<token>", methods=["GET", "POST"])
def manage(token: str):
    """Show a guest their registration and let them change their details."""
    registration = _registration_or_404(token)
    event = registration.event
    form = details_form(
        event,
        current_language(),
        obj=registration,
        data={f"q_{key}": value for key, value in registration.answers.items()},
    )
    active = registration.status != RegistrationStatus.CANCELLED
    if active and form.validate_on_submit():
        service.update_details(
            registration,
            name=form.name.data,
            organisation=form.organisation.data or "",
            answers=form.answers(),
        )
        db.session.commit()
        flash(_("Your details have been saved."), "success")
        return redirect(url_for("registration.manage", token=token))
    return render_template(
        "registration/manage.html",
        registration=registration,
        event=event,
        form=form,
        position=seats.waitlist_position(registration),
    ), (422 if form.errors else 200)


@bp.route("/r/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    """Ask for confirmation, then cancel the registration."""
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if registration.status == RegistrationStatus.CANCELLED:
        flash(_("This registration was already cancelled."), "info")
        return redirect(url_for("registration.manage", token=token))
    if form.validate_on_submit():
        try:
            service.cancel_registration(registration, now=utcnow())
        except errors.AlreadyCancelled:
            db.session.rollback()
        else:
            db.session.commit()
        flash(_("Your registration has been cancelled."), "success")
        return redirect(url_for("registration.manage", token=token))
    return render_template(
        "registration/cancel.html", registration=registration, event=registration.event, form=form
    )
