"""The invitee's personal page: answer yes (with companions) or no, and change it later."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, refresh

from eventdesk.db import db, utcnow
from eventdesk.errors import render_error
from eventdesk.events import display
from eventdesk.i18n import current_language
from eventdesk.invitations import rsvp
from eventdesk.invitations.forms import DeclineForm, accept_form
from eventdesk.invitations.models import Answer, Invitee
from eventdesk.invitations.service import invitee_by_token
from eventdesk.registration import errors as registration_errors
from eventdesk.registration.routes import window_message

bp = Blueprint("invitations", __name__)


def _invitee_or_404(token: str) -> Invitee | None:
    invitee = invitee_by_token(token)
    if invitee is not None and "lang" not in session:
        # The first visit speaks the language the invitation was written in.
        session["lang"] = invitee.language
        refresh()
    return invitee


def _not_found():
    return render_error(
        404,
        _("This invitation link is not valid. Please use the link in your most recent "
          "invitation mail, or contact the organiser."),
    )


def _page(invitee: Invitee, *, accept=None, decline=None, status: int = 200):
    now = utcnow()
    event = invitee.event
    registration = rsvp.active_registration(invitee)
    if accept is None:
        source = registration or invitee
        accept = accept_form(
            event, current_language(), invitee.extra_guests,
            formdata=None, data={"name": source.name, "organisation": source.organisation},
        )
    language = current_language()
    return render_template(
        "invitations/answer.html",
        invitee=invitee,
        event=event,
        title=event.title(language),
        date=display.local_date(event.starts_at, event, language),
        start=display.local_time(event.starts_at, event, language),
        end=display.local_time(event.ends_at, event, language),
        deadline=(
            display.local_date(event.rsvp_closes_at, event, language)
            if event.rsvp_closes_at
            else None
        ),
        is_open=rsvp.answers_open(invitee, now=now),
        registration=registration,
        companions=rsvp.companions_of(registration) if registration else [],
        accept=accept,
        decline=decline or DeclineForm(formdata=None),
        say=request.args.get("say"),
        Answer=Answer,
    ), status


@bp.get("/i/<token>")
def answer(token: str):
    """Show the invitation with the yes and no choices (a GET never answers)."""
    invitee = _invitee_or_404(token)
    if invitee is None:
        return _not_found()
    return _page(invitee)


def _closed(invitee: Invitee):
    flash(_("Answers for this invitation are closed. Please contact the organiser."), "error")
    return _page(invitee, status=409)


@bp.post("/i/<token>/yes")
def accept(token: str):
    """Register the invitee and their companions."""
    invitee = _invitee_or_404(token)
    if invitee is None:
        return _not_found()
    now = utcnow()
    if not rsvp.answers_open(invitee, now=now):
        return _closed(invitee)
    if rsvp.active_registration(invitee) is not None:
        flash(_("You have already said yes. Your ticket is in your mail."), "info")
        return redirect(url_for("invitations.answer", token=token))
    form = accept_form(invitee.event, current_language(), invitee.extra_guests)
    if not form.validate():
        return _page(invitee, accept=form, status=422)
    try:
        registration = rsvp.accept(
            invitee,
            name=form.name.data,
            organisation=form.organisation.data or "",
            answers=form.answers(),
            companions=form.companions(),
            now=now,
        )
    except rsvp.LinkClosed:
        db.session.rollback()
        return _closed(invitee)
    except (rsvp.InvitationError, registration_errors.RegistrationError) as error:
        db.session.rollback()
        form.form_errors.append(_accept_error(error))
        return _page(invitee, accept=form, status=409)
    db.session.commit()
    if registration.status.value == "confirmed":
        flash(_("Thank you! You are registered; your ticket is on its way by mail."), "success")
    else:
        flash(_("Thank you! The event is full, so you are on the waiting list."), "info")
    return redirect(url_for("invitations.answer", token=token))


def _accept_error(error: Exception) -> str:
    if isinstance(error, rsvp.NotEnoughSeats):
        return ngettext(
            "Only %(num)d seat is left. Please bring fewer guests.",
            "Only %(num)d seats are left. Please bring fewer guests.",
            error.seats_left,
        )
    if isinstance(error, rsvp.TooManyCompanions):
        return _("You named more guests than your invitation allows.")
    if isinstance(error, registration_errors.RegistrationNotOpen):
        return window_message(error.window)
    return _("Your answer could not be saved. Please try again.")


@bp.post("/i/<token>/no")
def decline(token: str):
    """Record that the invitee cannot come, cancelling a yes given before."""
    invitee = _invitee_or_404(token)
    if invitee is None:
        return _not_found()
    now = utcnow()
    if not rsvp.answers_open(invitee, now=now):
        return _closed(invitee)
    form = DeclineForm()
    if not form.validate():
        return _page(invitee, decline=form, status=422)
    try:
        rsvp.decline(invitee, message=form.message.data or "", now=now)
    except rsvp.LinkClosed:
        db.session.rollback()
        return _closed(invitee)
    except registration_errors.RegistrationError:
        # A second click got there first and cancelled the registration already.
        db.session.rollback()
        return redirect(url_for("invitations.answer", token=token))
    db.session.commit()
    flash(_("Thank you for letting us know. You can still change your answer here."), "success")
    return redirect(url_for("invitations.answer", token=token))
