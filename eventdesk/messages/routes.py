"""Organiser pages for messages to guests, and the guest's opt-out link."""

import secrets

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from eventdesk.auth.permissions import managed_event_blueprint
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event
from eventdesk.extensions import csrf
from eventdesk.invitations.models import Invitee
from eventdesk.mail.optout import read_token
from eventdesk.messages import compose, schedule, service
from eventdesk.messages.forms import AUDIENCES, ActionForm, ComposeForm, ReminderForm
from eventdesk.messages.models import MessageBatch
from eventdesk.messages.rendering import TEST_KIND, test_draft

bp = managed_event_blueprint("message_admin", __name__, "messages")
guest_bp = Blueprint("messages", __name__, url_prefix="/messages")


@bp.app_template_global()
def audience_label(audience: str) -> str:
    """Return the audience's name in the page's language."""
    labels = {choice.value: choice.label for choice in AUDIENCES}
    return str(labels.get(str(audience), audience))


@bp.app_template_global()
def batch_status_label(status: str) -> str:
    """Return a batch status in the page's language."""
    return {"scheduled": _("Scheduled"), "queued": _("Queued"),
            "cancelled": _("Cancelled")}.get(str(status), str(status))


def _reminder_form() -> ReminderForm:
    form = ReminderForm()
    if not form.is_submitted():
        setting = schedule.reminder_setting(g.event)
        form.enabled.data = setting.enabled
        form.hours_before.data = setting.hours_before
        form.note_nl.data = setting.note_nl
        form.note_en.data = setting.note_en
    return form


@bp.get("/")
def overview():
    """Show the reminder settings and every message with what became of it."""
    event = g.event
    listed = service.batches(event)
    return render_template(
        "messages/overview.html", event=event, batches=listed,
        counts=service.counts([batch.id for batch in listed]),
        reminder=_reminder_form(), reminder_at=schedule.reminder_due_at(event),
        reminder_batch=schedule.reminder_batch(event), action=ActionForm(),
    )


@bp.post("/reminder")
def save_reminder():
    """Store the automatic reminder's settings."""
    form = _reminder_form()
    if not form.validate():
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
        return redirect(url_for(".overview"))
    schedule.save_reminder_setting(
        g.event, enabled=form.enabled.data, hours_before=form.hours_before.data,
        note_nl=form.note_nl.data or "", note_en=form.note_en.data or "")
    db.session.commit()
    flash(_("The reminder settings are saved."), "success")
    return redirect(url_for(".overview"))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write a message, preview it as a chosen guest, test it, and send or schedule it."""
    event = g.event
    form = ComposeForm(event)
    if not form.is_submitted():
        form.key.data = secrets.token_urlsafe(16)
        return render_template("messages/compose.html", event=event, form=form, preview=None)
    action = request.form.get("action", "preview")
    if not form.validate():
        return render_template("messages/compose.html", event=event, form=form, preview=None), 400
    draft = compose.Draft.from_form(form, event, now=utcnow())
    if draft.error:
        form.send_at.errors.append(draft.error)
        return render_template("messages/compose.html", event=event, form=form, preview=None), 400
    preview = compose.preview(event, draft, form.preview_guest.data)
    form.preview_guest.choices = preview.choices
    if action == "send":
        if not preview.count:
            form.form_errors.append(_("No guest matches this choice: nothing was sent."))
            return render_template("messages/compose.html", event=event, form=form,
                                   preview=preview), 400
        try:
            batch = service.create_batch(event, key=form.key.data, now=utcnow(),
                                         created_by=current_user.email, **draft.fields)
        except service.AlreadyCreated:
            flash(_("This message was sent already."), "info")
            return redirect(url_for(".overview"))
        if batch.send_at <= utcnow():
            sent = service.queue_batch(batch, now=utcnow())
            db.session.commit()
            flash(ngettext("The message is on its way to %(num)d guest.",
                           "The message is on its way to %(num)d guests.", sent), "success")
        else:
            db.session.commit()
            flash(_("The message is scheduled."), "success")
        return redirect(url_for(".overview"))
    if action == "test" and preview.guest is not None:
        guest = preview.guest
        service.queue_test(
            test_draft(draft.json_fields(), event_id=event.id,
                       registration_id=None if isinstance(guest, Invitee) else guest.id,
                       invitee_id=guest.id if isinstance(guest, Invitee) else None),
            kind=TEST_KIND, recipient=current_user.email, now=utcnow(),
            subject=draft.fields["subject_nl"] or draft.fields["subject_en"])
        db.session.commit()
        flash(_("A test message is on its way to %(address)s.", address=current_user.email),
              "success")
    return render_template("messages/compose.html", event=event, form=form, preview=preview)


@bp.post("/<int:batch_id>/cancel")
def cancel(batch_id: int):
    """Cancel a message that has not gone yet (and what of it still waits)."""
    batch = db.first_or_404(select(MessageBatch).where(
        MessageBatch.id == batch_id, MessageBatch.event_id == g.event.id))
    if not ActionForm().validate():
        abort(400)
    try:
        stopped = service.cancel_batch(batch, now=utcnow())
    except service.NotCancellable:
        flash(_("This message was cancelled already."), "info")
        return redirect(url_for(".overview"))
    db.session.commit()
    flash(ngettext("Cancelled: %(num)d mail will not be sent.",
                   "Cancelled: %(num)d mails will not be sent.", stopped), "success")
    return redirect(url_for(".overview"))


def _opt_out_target(token: str) -> tuple[Event, str]:
    found = read_token(token)
    event = db.session.get(Event, found[0]) if found else None
    if event is None:
        abort(404)
    return event, found[1]


@guest_bp.get("/opt-out/<token>")
def opt_out_page(token: str):
    """Ask the guest to confirm declining the event's non-essential messages."""
    event, _address = _opt_out_target(token)
    return render_template("messages/opt_out.html", event=event, token=token, done=False)


# RFC 8058: mail programs post here with no CSRF token and no cookie; the signed
# token in the link is the whole authority, and it can only decline mail.
@guest_bp.post("/opt-out/<token>")
@csrf.exempt
def opt_out(token: str):
    """Decline the event's non-essential messages (the page's button or one-click)."""
    event, address = _opt_out_target(token)
    service.opt_out(event, address, now=utcnow())
    db.session.commit()
    return render_template("messages/opt_out.html", event=event, token=token, done=True)

