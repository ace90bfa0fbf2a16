"""Guest pages: register, the neutral thank-you page, and the manage link."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventdesk.db import db, reads_before_writes, utcnow
from eventdesk.events.service import RegistrationWindow
from eventdesk.i18n import current_language
from eventdesk.registration import (
    confirm_links,
    confirmation,
    drafts,
    errors,
    just_registered,
    screening,
    seats,
    service,
)
from eventdesk.registration.event_routes import published_event_or_404, render_event_page
from eventdesk.registration.forms import ConfirmForm, details_form, registration_form
from eventdesk.registration.models import Registration, RegistrationStatus

bp = Blueprint("registration", __name__)
bp.add_app_template_global(screening.form_stamp, "registration_form_stamp")


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
        event = published_event_or_404(slug)
        form = registration_form(event, current_language())
        if not form.validate():
            drafts.keep(slug, request.form)
            return render_event_page(event, form, status=422)
    suspicious = form.looks_automated() or screening.filled_too_fast(
        request.form.get(screening.STAMP_FIELD)
    )
    try:
        screened = screening.register_public(
            event,
            client=request.remote_addr,
            suspicious=suspicious,
            name=form.name.data,
            email=form.email.data,
            organisation=form.organisation.data or "",
            answers=form.answers(),
            language=current_language(),
            now=utcnow(),
        )
    except screening.TooManyConfirmationMails:
        # Nothing is stored but the counts, which must stay.
        db.session.commit()
        form.form_errors.append(_(
            "Sorry, we cannot take more registrations from your network right now. "
            "Please try again in an hour, or from another connection, such as your "
            "phone's mobile data."
        ))
        drafts.keep(slug, request.form)
        return render_event_page(event, form, status=429)
    except errors.RegistrationNotOpen as error:
        db.session.rollback()
        form.form_errors.append(window_message(error.window))
        drafts.keep(slug, request.form)
        return render_event_page(event, form, status=409)
    except errors.InvitationRequired:
        db.session.rollback()
        form.form_errors.append(
            _("This event is by invitation only. Please use the link in your invitation.")
        )
        drafts.keep(slug, request.form)
        return render_event_page(event, form, status=403)
    created = screened.outcome.registration.id if screened.outcome.created else None
    db.session.commit()
    drafts.forget()
    if created is None:
        just_registered.forget()
    else:
        just_registered.remember(slug, created)
    # ``slug``, not ``event.slug``: the commit expired the event, and reading
    # it again would cost a query and, on SQLite, a write-locking transaction.
    if screened.must_confirm:
        return redirect(url_for("registration.confirmation_sent", slug=slug))
    return redirect(url_for("registration.registered", slug=slug))


@bp.get("/events/<slug>/register")
def register_again(slug: str):
    """Send a reload of the form's answer (or a language switch) back to the form."""
    return redirect(url_for("events.detail", slug=slug, _anchor="register"))


@bp.get("/events/<slug>/registered")
def registered(slug: str):
    """Show the guest who just registered where they stand; others get the neutral page."""
    event = published_event_or_404(slug)
    registration = just_registered.recall(event, now=utcnow())
    if registration is not None and registration.status == RegistrationStatus.PENDING:
        return redirect(url_for("registration.confirmation_sent", slug=slug))
    return render_template(
        "registration/registered.html",
        event=event,
        registration=registration,
        position=seats.waitlist_position(registration) if registration else None,
        fix_form=ConfirmForm(),
    )


@bp.get("/events/<slug>/confirm-your-address")
def confirmation_sent(slug: str):
    """Tell the guest that their seat waits for the link in the mail."""
    event = published_event_or_404(slug)
    hours = round(confirm_links.pending_lifetime().total_seconds() / 3600)
    registration = just_registered.recall(event, now=utcnow())
    return render_template(
        "registration/confirmation_sent.html", event=event, hours=hours,
        registration=registration, fix_form=ConfirmForm(),
    )


@bp.post("/events/<slug>/registered/wrong-address")
def wrong_address(slug: str):
    """Undo the registration just made with a mistyped address; back to the filled-in form."""
    event = published_event_or_404(slug)
    registration = just_registered.recall(event, now=utcnow())
    form = ConfirmForm()
    if registration is None or not form.validate_on_submit():
        return redirect(url_for("events.detail", slug=slug, _anchor="register"))
    address = registration.email
    typed = just_registered.typed_values(registration)
    try:
        service.cancel_registration(registration, now=utcnow())
    except errors.AlreadyCancelled:
        db.session.rollback()
    else:
        db.session.commit()
    just_registered.forget()
    drafts.keep(slug, typed)
    flash(_("We have cancelled the registration for %(email)s. Type the right address and "
            "register again.", email=address), "info")
    return redirect(url_for("events.detail", slug=slug, _anchor="register"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_address(token: str):
    """Ask the guest to press the button, then confirm their address and settle their seat.

    Following the link only shows the button: mail scanners open links too.
    """
    registration = confirm_links.registration_by_confirmation_token(token)
    now = utcnow()
    pending = registration is not None and registration.status == RegistrationStatus.PENDING
    if registration is None or (pending and confirmation.is_expired(registration, now=now)):
        return render_template("registration/confirm.html", registration=None), 410
    if registration.status == RegistrationStatus.CANCELLED:
        flash(_("This registration was cancelled."), "info")
        return redirect(url_for("registration.manage", token=registration.manage_token))
    if not pending:
        flash(_("Your email address is confirmed already."), "info")
        return redirect(url_for("registration.manage", token=registration.manage_token))
    event = registration.event
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        try:
            confirmation.confirm_address(registration, now=now)
        except errors.RegistrationNotOpen as error:
            db.session.rollback()
            problem = window_message(error.window)
        except errors.InvitationRequired:
            db.session.rollback()
            problem = _("This event is by invitation only. Please use the link in your invitation.")
        else:
            db.session.commit()
            if registration.status == RegistrationStatus.CONFIRMED:
                flash(_("Thank you: your address is confirmed and your seat is reserved. "
                        "We have mailed you your ticket."), "success")
            else:
                flash(_("Thank you: your address is confirmed. The event is full, so you are "
                        "on the waiting list; we have mailed you about it."), "success")
            return redirect(url_for("registration.manage", token=registration.manage_token))
    return render_template(
        "registration/confirm.html", registration=registration, event=event, form=form,
        problem=problem,
    ), (409 if problem else 200)


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
        # The page it goes back to says so, once.
        return redirect(url_for("registration.manage", token=token))
    if form.validate_on_submit():
        try:
            service.cancel_registration(registration, now=utcnow())
        except errors.AlreadyCancelled:
            db.session.rollback()
        else:
            db.session.commit()
        # No flash: the manage page shows the cancelled state with a way back.
        return redirect(url_for("registration.manage", token=token))
    return render_template(
        "registration/cancel.html", registration=registration, event=registration.event, form=form
    )
