"""Organiser pages: the invitee list, upload with preview, sending, reminders, settings."""

import base64
import binascii
import secrets
from datetime import UTC

from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from eventdesk.asking import asks_first
from eventdesk.auth.permissions import managed_event_blueprint
from eventdesk.db import db, utcnow
from eventdesk.invitations import export, sending, service
from eventdesk.invitations.csvfile import CsvError
from eventdesk.invitations.forms import (
    ActionForm,
    ConfirmImportForm,
    InviteeForm,
    SettingsForm,
    UploadForm,
)
from eventdesk.invitations.models import Invitee

bp = managed_event_blueprint("invitation_admin", __name__, "invitations")
LIST_LIMIT = 500


def _settings_form() -> SettingsForm:
    event = g.event
    form = SettingsForm()
    if not form.is_submitted():
        form.invitation_only.data = event.invitation_only
        form.invitation_waitlist.data = event.invitation_waitlist
        if event.rsvp_closes_at:
            form.rsvp_closes_at.data = event.rsvp_closes_at.astimezone(event.zone).replace(
                tzinfo=None
            )
    return form


@bp.get("/")
def overview():
    """Show the counts, the actions and the invitees."""
    event = g.event
    total, by_organisation = service.tally(event)
    listed = service.invitees(event)
    return render_template(
        "invitations/overview.html",
        event=event,
        total=total,
        by_organisation=by_organisation,
        invitees=listed[:LIST_LIMIT],
        more=max(len(listed) - LIST_LIMIT, 0),
        unsent=sum(1 for invitee in listed if invitee.invited_at is None),
        upload=UploadForm(),
        action=ActionForm(key=secrets.token_urlsafe(16)),
        settings=_settings_form(),
        rounds=sending.reminder_rounds(event),
    )


@bp.post("/upload")
def upload():
    """Check an uploaded list and show what importing it would do."""
    form = UploadForm()
    if not form.validate():
        flash(" ".join(map(str, form.file.errors)) or _("Please choose a file."), "error")
        return redirect(url_for(".overview"))
    data = form.file.data.read()
    try:
        preview = service.preview_upload(g.event, data)
    except CsvError as error:
        flash(str(error), "error")
        return redirect(url_for(".overview"))
    confirm = ConfirmImportForm(payload=base64.b64encode(data).decode("ascii"))
    return render_template(
        "invitations/preview.html",
        event=g.event,
        preview=preview,
        confirm=confirm,
        filename=form.file.data.filename or "",
    )


@bp.post("/import")
def confirm_import():
    """Import the previewed list: all its new rows, or nothing."""
    form = ConfirmImportForm()
    if not form.validate():
        abort(400)
    try:
        data = base64.b64decode(form.payload.data, validate=True)
        _checked, added = service.import_upload(g.event, data, now=utcnow())
    except (binascii.Error, ValueError, CsvError):
        db.session.rollback()
        flash(_("The list could not be read again. Please upload it once more."), "error")
    except service.NothingToImport:
        db.session.rollback()
        flash(_("Nothing was imported: fix the rows with problems and upload again."), "error")
    except service.ListChanged:
        db.session.rollback()
        flash(_("Invitees were added meanwhile. Please upload the list again."), "error")
    else:
        db.session.commit()
        flash(ngettext("%(num)d invitee added.", "%(num)d invitees added.", added), "success")
    return redirect(url_for(".overview"))


@bp.route("/add", methods=["GET", "POST"])
def add():
    """Invite one person by hand."""
    form = InviteeForm()
    if form.validate_on_submit():
        try:
            service.add_invitee(
                g.event,
                name=form.name.data,
                email=form.email.data,
                organisation=form.organisation.data or "",
                language=form.language.data,
                extra_guests=form.extra_guests.data or 0,
                now=utcnow(),
            )
        except service.AlreadyInvited:
            db.session.rollback()
            form.email.errors.append(_("This address is invited already."))
        else:
            db.session.commit()
            flash(_("%(name)s is on the list. Send the invitation when you are ready.",
                    name=form.name.data), "success")
            return redirect(url_for(".overview"))
    return render_template("invitations/add.html", event=g.event, form=form), (
        422 if form.errors else 200
    )


@bp.post("/send")
@asks_first(
    _l("Send the invitations now?"),
    consequence=_l("Everyone on the list who has not had an invitation gets one by mail. "
                   "A sent mail cannot be called back."),
    button=_l("Yes, send"), back="invitation_admin.overview",
)
def send():
    """Send the invitation to everyone on the list who has not had it yet."""
    if not ActionForm().validate():
        abort(400)
    try:
        count = sending.send_invitations(g.event, now=utcnow())
    except sending.SendingInProgress:
        db.session.rollback()
        flash(_("The invitations are being sent already."), "info")
        return redirect(url_for(".overview"))
    db.session.commit()
    flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", count), "success")
    return redirect(url_for(".overview"))


@bp.post("/remind")
@asks_first(
    _l("Send the reminder now?"),
    consequence=_l("Everyone who was invited and has not answered gets a reminder by mail. "
                   "A sent mail cannot be called back."),
    button=_l("Yes, send the reminder"), back="invitation_admin.overview",
)
def remind():
    """Remind everyone who was invited and has not answered."""
    form = ActionForm()
    if not form.validate() or not form.key.data:
        abort(400)
    try:
        count = sending.remind_silent(g.event, key=form.key.data, now=utcnow())
    except sending.AlreadyReminded:
        db.session.rollback()
        flash(_("This reminder was sent already."), "info")
        return redirect(url_for(".overview"))
    db.session.commit()
    flash(ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", count), "success")
    return redirect(url_for(".overview"))


@bp.post("/settings")
def settings():
    """Save who may register and until when invitations can be answered."""
    form = _settings_form()
    if not form.validate():
        flash(_("Please enter the closing time as a date and time."), "error")
        return redirect(url_for(".overview"))
    event = g.event
    event.invitation_only = form.invitation_only.data
    event.invitation_waitlist = form.invitation_waitlist.data
    local = form.rsvp_closes_at.data
    event.rsvp_closes_at = local.replace(tzinfo=event.zone).astimezone(UTC) if local else None
    db.session.commit()
    flash(_("Invitation settings saved."), "success")
    return redirect(url_for(".overview"))


@bp.get("/invitees.csv")
def export_csv():
    """Download the invitees and their answers for Excel (UTF-8 with BOM, ``;``)."""
    event = g.event
    return Response(
        stream_with_context(export.csv_lines(event)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{event.slug}-invitees.csv"',
        },
    )


@bp.get("/example.csv")
def example_csv():
    """Download a small example list in the columns the upload reads."""
    return Response(
        "\ufeffname;email;organisation;language;extra guests\r\n"
        "Anna de Vries;anna@example.org;Tata Steel;nl;1\r\n"
        "Bob Smith;bob@example.com;Port of IJmuiden;en;0\r\n",
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="invitees-example.csv"'},
    )


@bp.post("/<int:invitee_id>/remove")
@asks_first(
    _l("Take this invitee off the list?"),
    consequence=_l("Their invitation link stops working."),
    button=_l("Yes, take them off"), back="invitation_admin.overview",
)
def remove(invitee_id: int):
    """Take one invitee off the list."""
    if not ActionForm().validate():
        abort(400)
    invitee = db.first_or_404(select(Invitee).where(
        Invitee.id == invitee_id, Invitee.event_id == g.event.id))
    try:
        service.remove_invitee(invitee)
    except service.StillComing:
        db.session.rollback()
        flash(_("%(name)s said yes: cancel their registration on the attendee list first.",
                name=invitee.name), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is off the list.", name=invitee.name), "success")
    return redirect(url_for(".overview"))
