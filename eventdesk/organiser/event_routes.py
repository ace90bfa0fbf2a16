"""Back-office event pages: list, create, edit, duplicate, publish, close, cancel."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from eventdesk.auth.models import Role
from eventdesk.auth.permissions import managed_events
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event, EventStatus, QuestionKind
from eventdesk.organiser import event_service as service
from eventdesk.organiser import guest_news, privacy
from eventdesk.organiser.blueprint import bp
from eventdesk.organiser.forms import EventForm, RetentionForm
from eventdesk.registration.models import Registration, RegistrationStatus


def _to_utc(local: datetime | None, zone) -> datetime | None:
    return local.replace(tzinfo=zone).astimezone(UTC) if local else None


def _to_local(moment: datetime | None, zone) -> datetime | None:
    return moment.astimezone(zone).replace(tzinfo=None) if moment else None


def event_fields(form: EventForm) -> dict:
    """Return the event columns from a valid form, times converted to UTC."""
    zone = ZoneInfo(form.timezone.data)
    fields = {name: getattr(form, name).data for name in service.EDITABLE}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        fields[name] = _to_utc(fields[name], zone)
    for name in ("title_en", "description_nl", "description_en", "venue", "address",
                 "organiser_email", "organiser_name"):
        fields[name] = (fields[name] or "").strip()
    fields["title_nl"] = fields["title_nl"].strip()
    return fields


def fill_form(form: EventForm, event: Event) -> None:
    """Put ``event``'s values into a fresh form, times in the event's zone."""
    for name in service.EDITABLE:
        getattr(form, name).data = getattr(event, name)
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        getattr(form, name).data = _to_local(getattr(event, name), event.zone)
    form.slug.data = event.slug


@bp.get("/")
def events():
    """List the events this account manages, with their guest counts."""
    counts = (
        select(Registration.event_id, Registration.status, func.count())
        .group_by(Registration.event_id, Registration.status)
    )
    listed = list(db.session.scalars(managed_events(current_user).order_by(Event.starts_at.desc())))
    tally: dict[int, dict[str, int]] = {}
    for event_id, status, number in db.session.execute(counts):
        tally.setdefault(event_id, {})[status.value] = number
    return render_template("organiser/events.html", events=listed, tally=tally, now=utcnow())


@bp.route("/events/new", methods=["GET", "POST"])
def create_event():
    """Create a draft event."""
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = service.create_event(
                event_fields(form), owner=current_user, slug=form.slug.data or None
            )
        except service.SlugTaken:
            db.session.rollback()
            form.slug.errors = [_("Another event already uses this web address.")]
        else:
            db.session.commit()
            flash(_("The event is saved as a draft. Add questions, then publish it."), "success")
            return redirect(url_for("organiser.edit_event", slug=event.slug))
    return render_template("organiser/event_form.html", form=form, event=None), (
        422 if form.errors else 200
    )


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def edit_event(slug: str):
    """Edit an event and its questions."""
    event = g.event
    form = EventForm()
    if request.method == "GET":
        fill_form(form, event)
    elif form.validate_on_submit():
        now = utcnow()
        try:
            news = service.update_event(
                event, event_fields(form), slug=form.slug.data or None, now=now
            )
        except service.SlugTaken:
            db.session.rollback()
            form.slug.errors = [_("Another event already uses this web address.")]
        except service.NotAllowedNow:
            db.session.rollback()
            form.form_errors.append(_(
                "This change is not possible now: a cancelled event cannot be edited, and a "
                "published event keeps its web address."
            ))
        else:
            told = guest_news.event_changed(event, now=now, changed=news) if news else 0
            db.session.commit()
            flash(_("Changes saved.") + (" " + _("Guests are told by mail.") if told else ""),
                  "success")
            return redirect(url_for("organiser.edit_event", slug=event.slug))
    retention = RetentionForm(data={"days": privacy.retention_days(event)})
    return render_template(
        "organiser/event_form.html", form=form, event=event, actions=FlaskForm(),
        retention=retention,
    ), (422 if form.errors or form.form_errors else 200)


def _act(action, success: str):
    try:
        action()
    except service.NotAllowedNow:
        db.session.rollback()
        flash(_("That is not possible in the event's current state."), "error")
        return None
    db.session.commit()
    flash(success, "success")
    return None


@bp.post("/events/<slug>/publish")
def publish(slug: str):
    """Publish the event."""
    _act(lambda: service.publish(g.event), _("The event is published."))
    return redirect(url_for("organiser.edit_event", slug=slug))


@bp.post("/events/<slug>/unpublish")
def unpublish(slug: str):
    """Take the event back to draft."""
    _act(lambda: service.unpublish(g.event), _("The event is no longer public."))
    return redirect(url_for("organiser.edit_event", slug=slug))


@bp.post("/events/<slug>/registration")
def toggle_registration(slug: str):
    """Close registration early, or open it again."""
    closed = request.form.get("closed") == "1"
    _act(
        lambda: service.set_registration_closed(g.event, closed),
        _("Registration is closed.") if closed else _("Registration is open again."),
    )
    return redirect(url_for("organiser.edit_event", slug=slug))


@bp.post("/events/<slug>/cancel")
def cancel(slug: str):
    """Cancel the event and tell its guests."""
    event = g.event
    if request.form.get("confirm") != event.slug:
        flash(_("Type the event's web address to confirm the cancellation."), "error")
        return redirect(url_for("organiser.edit_event", slug=slug))
    try:
        service.cancel_event(event)
    except service.NotAllowedNow:
        db.session.rollback()
        abort(409)
    told = guest_news.event_cancelled(event, now=utcnow())
    db.session.commit()
    flash(_("The event is cancelled.") + (" " + _("Guests are told by mail.") if told else ""),
          "success")
    return redirect(url_for("organiser.edit_event", slug=slug))


@bp.post("/events/<slug>/duplicate")
def duplicate(slug: str):
    """Copy the event and its questions into a new draft."""
    copy = service.duplicate_event(g.event, owner=current_user)
    db.session.commit()
    flash(_("This is a copy. Change its dates and title, then publish it."), "success")
    return redirect(url_for("organiser.edit_event", slug=copy.slug))


STATUS_LABELS: dict = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CANCELLED: _l("Cancelled"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("Waiting list"),
    RegistrationStatus.PENDING: _l("Address not confirmed"),
    QuestionKind.TEXT: _l("Text"),
    QuestionKind.CHOICE: _l("One choice from a list"),
    QuestionKind.YES_NO: _l("Yes or no"),
    Role.ADMIN: _l("Admin"),
    Role.ORGANISER: _l("Organiser"),
    Role.DOOR: _l("Door staff"),
}


@bp.app_template_global()
def status_label(status) -> str:
    """Return the translated name of a status, a question kind or a role."""
    # Both enums spell "cancelled" alike, so one entry serves both.
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else str(status)
