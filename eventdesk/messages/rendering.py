"""Render a batch's draft into one guest's mail, in their language (the worker calls this).

Drafts name only the batch and the guest: the text is read when the mail is
rendered, so a cancelled batch, a cancelled guest or an opt-out in the
meantime stops the mail (``Superseded``) instead of sending stale news.
"""

from datetime import datetime

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from eventdesk.db import db
from eventdesk.events.display import render_markdown
from eventdesk.events.models import Event, EventStatus
from eventdesk.invitations.models import Invitee
from eventdesk.links import external_url
from eventdesk.mail import mime
from eventdesk.mail.address import mail_address, new_message_id, sender_address
from eventdesk.mail.mime import OutgoingMail
from eventdesk.mail.models import OutboxMessage
from eventdesk.mail.optout import opt_out_url, opted_out
from eventdesk.mail.rendering import Superseded, Unrenderable, register_renderer
from eventdesk.messages.models import BatchKind, BatchStatus, MessageBatch
from eventdesk.messages.service import MESSAGE_KIND
from eventdesk.registration.guest_mail import MailText
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.tickets.calendar import Method
from eventdesk.tickets.mails import build_guest_mail, event_facts

NAME, MANAGE_LINK = "{name}", "{manage_link}"


def texts(batch: MessageBatch, language: str) -> tuple[str, str]:
    """Return the subject and Markdown body in ``language``, falling back to the other one."""
    if language == "en":
        return batch.subject_en or batch.subject_nl, batch.body_en or batch.body_nl
    return batch.subject_nl or batch.subject_en, batch.body_nl or batch.body_en


def fill_text(text: str, *, name: str, manage_link: str) -> str:
    """Fill the placeholders of plain text (the subject, the text part)."""
    return text.replace(NAME, name).replace(MANAGE_LINK, manage_link)


def fill_html(body: str, *, name: str, manage_link: str) -> Markup:
    """Render Markdown safely and fill its placeholders with escaped values."""
    html = str(render_markdown(body))
    url = str(escape(manage_link))
    html = html.replace(f'href="{MANAGE_LINK}"', f'href="{url}"')
    html = html.replace(MANAGE_LINK, f'<a href="{url}">{url}</a>')
    return Markup(html.replace(NAME, str(escape(name))))


def manage_link(guest: Registration | Invitee) -> str:
    """Return the guest's own page: the manage link, or an invitee's answer page."""
    if isinstance(guest, Invitee):
        return external_url("invitations.answer", token=guest.token)
    return external_url("registration.manage", token=guest.manage_token)


def message_context(batch: MessageBatch, guest: Registration | Invitee, language: str) -> dict:
    """Return what the message templates show one guest (also the organiser's preview)."""
    subject, body = texts(batch, language)
    link = manage_link(guest)
    event = batch.event
    return {
        "subject": fill_text(subject, name=guest.name, manage_link=link),
        "body_html": fill_html(body, name=guest.name, manage_link=link),
        "body_text": fill_text(body, name=guest.name, manage_link=link),
        "link": batch.link,
        "attachment_name": batch.attachment_name,
        "event": event_facts(event, language),
        "manage_url": link,
        "invitee": isinstance(guest, Invitee),
        "opt_out_url": None if batch.essential else opt_out_url(event.id, guest.email),
        "language": language,
    }


def _guest(item: OutboxMessage, draft: dict) -> Registration | Invitee:
    if draft.get("invitee"):
        guest = db.session.get(Invitee, draft["invitee"])
    elif item.registration_id:
        guest = db.session.get(Registration, item.registration_id)
    else:
        guest = None
    if guest is None:
        raise Unrenderable("the guest no longer exists")
    return guest


def _check_current(batch: MessageBatch, guest: Registration | Invitee) -> None:
    if batch.status == BatchStatus.CANCELLED:
        raise Superseded("the message was cancelled")
    if batch.event.status == EventStatus.CANCELLED and batch.kind != BatchKind.THANKS:
        raise Superseded("the event is cancelled now")
    if isinstance(guest, Registration) and guest.status in (
        RegistrationStatus.CANCELLED, RegistrationStatus.PENDING
    ):
        raise Superseded(f"the registration is {guest.status.value} now")
    if batch.kind == BatchKind.REMINDER and (
        guest.status != RegistrationStatus.CONFIRMED or not guest.ticket_code
    ):
        raise Superseded("the guest holds no ticket now")
    if not batch.essential and guest.email_normalized in opted_out(batch.event_id):
        raise Superseded("the guest declined these messages")


def _reminder(batch: MessageBatch, guest: Registration, now: datetime) -> OutgoingMail:
    language = guest.language
    facts = event_facts(batch.event, language)
    note = batch.body_en if language == "en" and batch.body_en else batch.body_nl
    note = note or batch.body_en
    with force_locale(language):
        text = MailText(
            subject=_("Reminder: %(title)s, %(date)s", title=facts["title"], date=facts["date"]),
            heading=_("See you soon at %(title)s", title=facts["title"]),
            paragraphs=[_("Here is your ticket again; show the QR code at the door.")]
            + [line for line in note.splitlines() if line.strip()],
            with_ticket=True,
            invite=Method.REQUEST,
        )
        return build_guest_mail(guest, text, now=now)


def _message(batch: MessageBatch, guest: Registration | Invitee, now: datetime, *,
             test_to: str | None = None) -> OutgoingMail:
    language = batch.language or guest.language
    sender = sender_address(current_app.config["MAIL_FROM"])
    with force_locale(language):
        context = message_context(batch, guest, language)
        if test_to:
            # The organiser reads the guest's very mail, marked as a test.
            context["subject"] = _("Test: %(subject)s", subject=context["subject"])
        html = render_template("mail/message.html", **context)
        plain = render_template("mail/message.txt", **context)
    attachments = []
    if batch.attachment:
        attachments.append(mime.Attachment(
            batch.attachment, batch.attachment_type or "application/octet-stream",
            batch.attachment_name or "attachment",
        ))
    headers = {"Auto-Submitted": "auto-generated", "Content-Language": language}
    if context["opt_out_url"]:
        # RFC 8058: a mail program may decline with one POST to this link.
        headers["List-Unsubscribe"] = f"<{context['opt_out_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return mime.compose(
        sender=sender,
        recipient=mail_address("", test_to) if test_to else mail_address(guest.name, guest.email),
        subject=context["subject"],
        message_id=new_message_id(sender),
        date=now,
        text=plain,
        html=html,
        attachments=attachments,
        headers=headers,
    )


def render_message(item: OutboxMessage, *, now: datetime) -> OutgoingMail:
    """Render one guest's copy of a batch; raise ``Superseded`` when it must not go."""
    draft = item.draft or {}
    batch = db.session.get(MessageBatch, draft.get("batch") or 0)
    if batch is None:
        raise Unrenderable("the message no longer exists")
    guest = _guest(item, draft)
    _check_current(batch, guest)
    if batch.kind == BatchKind.REMINDER:
        return _reminder(batch, guest, now)
    return _message(batch, guest, now)


TEST_KIND = "message_test"


def test_draft(fields: dict, *, event_id: int, registration_id: int | None,
               invitee_id: int | None) -> dict:
    """Return the draft of a test message: the unsaved batch's text, shown as one guest sees it."""
    return {"test": fields, "event": event_id, "registration": registration_id,
            "invitee": invitee_id}


def render_test(item: OutboxMessage, *, now: datetime) -> OutgoingMail:
    """Render a test message for the organiser: one guest's copy, sent to the organiser."""
    draft = item.draft or {}
    event = db.session.get(Event, draft.get("event") or 0)
    if draft.get("invitee"):
        guest = db.session.get(Invitee, draft["invitee"])
    else:
        guest = db.session.get(Registration, draft.get("registration") or 0)
    if event is None or guest is None:
        raise Unrenderable("the event or the guest no longer exists")
    batch = MessageBatch(**draft["test"])
    batch.event = event
    return _message(batch, guest, now, test_to=item.recipient)


def init_app(app: Flask) -> None:
    """Let the mail worker render the guests' copies of messages and the organisers' tests."""
    register_renderer(app, MESSAGE_KIND, render_message)
    register_renderer(app, TEST_KIND, render_test)
