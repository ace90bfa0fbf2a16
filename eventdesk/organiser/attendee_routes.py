"""Attendee pages: the list, one registration's detail, and the organiser's actions."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select

from eventdesk.asking import asks_first
from eventdesk.checkin import offline
from eventdesk.checkin.models import Door, Scan
from eventdesk.db import db, utcnow
from eventdesk.i18n import current_language
from eventdesk.mail.models import OutboxMessage
from eventdesk.organiser import guest_news
from eventdesk.organiser.answers import labelled_answers
from eventdesk.organiser.attendees import attendee_page
from eventdesk.organiser.blueprint import bp
from eventdesk.organiser.forms import AddGuestForm
from eventdesk.registration import errors, seats, service
from eventdesk.registration.listing import ListQuery
from eventdesk.registration.models import Registration, RegistrationStatus


def _registration(registration_id: int) -> Registration:
    return db.first_or_404(select(Registration).where(
        Registration.id == registration_id, Registration.event_id == g.event.id))


@bp.get("/events/<slug>/attendees")
def attendees(slug: str):
    """List an event's registrations with search, filters, sorting and pages."""
    query = ListQuery.from_args(request.args)
    page = attendee_page(g.event, query)
    return render_template(
        "organiser/attendees.html", event=g.event, query=query, page=page,
        statuses=list(RegistrationStatus),
    )


@bp.get("/events/<slug>/attendees/<int:registration_id>")
def attendee(slug: str, registration_id: int):
    """Show one registration with its answers, mails and door scans."""
    registration = _registration(registration_id)
    mails = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.registration_id == registration.id)
        .order_by(OutboxMessage.created_at.desc())
    ).all()
    scans = db.session.execute(
        select(Scan, Door.name)
        .join(Door, Door.id == Scan.door_id)
        .where(Scan.registration_id == registration.id)
        .order_by(Scan.at.desc())
    ).all()
    door = db.session.get(Door, registration.checked_in_door_id) if (
        registration.checked_in_door_id) else None
    return render_template(
        "organiser/attendee.html", event=g.event, registration=registration, mails=mails,
        scans=scans, door=door, actions=FlaskForm(), now=utcnow(),
        conflicts=offline.conflicts(g.event, registration),
        answers=labelled_answers(g.event.questions, registration.answers, current_language()),
    )


def _back(registration: Registration):
    return redirect(
        url_for("organiser.attendee", slug=g.event.slug, registration_id=registration.id)
    )


@bp.post("/events/<slug>/attendees/<int:registration_id>/resend")
def resend_ticket(slug: str, registration_id: int):
    """Send the ticket mail again."""
    registration = _registration(registration_id)
    if registration.status != RegistrationStatus.CONFIRMED:
        flash(_("Only a confirmed guest has a ticket to send."), "error")
        return _back(registration)
    guest_news.resend_ticket(registration, now=utcnow())
    db.session.commit()
    flash(_("The ticket is on its way to %(email)s.", email=registration.email), "success")
    return _back(registration)


def guest_name(slug: str, registration_id: int) -> str:
    """Name the guest a confirmation page is about."""
    registration = _registration(registration_id)
    return f"{registration.name} <{registration.email}>"


@bp.post("/events/<slug>/attendees/<int:registration_id>/cancel")
@asks_first(
    _l("Cancel this registration?"),
    consequence=_l("The guest gets a cancellation mail and their ticket stops working. "
                   "The next guest on the waiting list gets the seat."),
    button=_l("Yes, cancel the registration"), back="organiser.attendee",
    keep=("slug", "registration_id"), subject=guest_name,
)
def cancel_attendee(slug: str, registration_id: int):
    """Cancel a registration; the next guest on the waiting list gets the seat."""
    registration = _registration(registration_id)
    try:
        promoted = service.cancel_registration(registration, now=utcnow())
    except errors.AlreadyCancelled:
        db.session.rollback()
        flash(_("This registration was cancelled already."), "error")
        return _back(registration)
    db.session.commit()
    message = _("The registration is cancelled.")
    if promoted:
        message += " " + _("%(name)s moved up from the waiting list.", name=promoted[0].name)
    flash(message, "success")
    return _back(registration)


@bp.post("/events/<slug>/attendees/<int:registration_id>/promote")
def promote_attendee(slug: str, registration_id: int):
    """Give a guest on the waiting list a seat."""
    registration = _registration(registration_id)
    try:
        service.promote(registration, now=utcnow())
    except seats.NoSeatFree:
        db.session.rollback()
        flash(_("No seat is free. Raise the capacity first."), "error")
        return _back(registration)
    except seats.NotWaitlisted:
        db.session.rollback()
        flash(_("This guest is not on the waiting list."), "error")
        return _back(registration)
    db.session.commit()
    flash(_("%(name)s has a seat and gets a ticket by mail.", name=registration.name), "success")
    return _back(registration)


@bp.route("/events/<slug>/attendees/new", methods=["GET", "POST"])
def add_guest(slug: str):
    """Register a guest by hand (also when registration is closed)."""
    form = AddGuestForm()
    if form.validate_on_submit():
        try:
            registration = service.add_by_hand(
                g.event, name=form.name.data.strip(), email=form.email.data,
                organisation=(form.organisation.data or "").strip(), language=form.language.data,
                now=utcnow(),
            )
        except errors.AlreadyRegistered as error:
            db.session.rollback()
            flash(_("This address is registered already."), "error")
            return _back(error.registration)
        db.session.commit()
        if registration.status == RegistrationStatus.CONFIRMED:
            flash(_("Registered; the ticket is on its way."), "success")
        else:
            flash(_("The event is full: the guest is on the waiting list."), "error")
        return _back(registration)
    return render_template("organiser/add_guest.html", event=g.event, form=form), (
        422 if form.errors else 200
    )
