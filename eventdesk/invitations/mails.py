"""The invitation, reminder and companion-ticket mails, in the invitee's language.

Sending invitations (or reminders) queues one draft per invitee, naming only
the invitee; the outbox worker renders each one just before sending it, like
the guest mails. A reminder to someone who answered meanwhile, or any
invitation to a cancelled event, is then not sent (``Superseded``).
"""

from datetime import datetime

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventdesk.db import db
from eventdesk.events import display
from eventdesk.events.models import Event, EventStatus
from eventdesk.invitations.models import Answer, Invitee
from eventdesk.links import external_url
from eventdesk.mail import mime
from eventdesk.mail.address import mail_address, new_message_id, sender_address
from eventdesk.mail.mime import OutgoingMail
from eventdesk.mail.models import OutboxMessage
from eventdesk.mail.optout import opt_out_url, opted_out
from eventdesk.mail.outbox import enqueue_drafts
from eventdesk.mail.rendering import Superseded, Unrenderable, register_renderer
from eventdesk.registration.guest_mail import INVITE_REQUEST, MailText, queue_guest_mail
from eventdesk.registration.models import Registration
from eventdesk.tickets.mails import event_facts, organiser_reply_to

INVITATION_KIND = "invitation"
REMINDER_KIND = "invitation_reminder"


def invitation_subject(event: Event, language: str, *, reminder: bool) -> str:
    """Return the subject of an invitation or reminder in ``language``."""
    title = event.title(language)
    with force_locale(language):
        if reminder:
            return _("Reminder: will you come to %(title)s?", title=title)
        return _("Invitation: %(title)s", title=title)


class InvitationMails:
    """Build the invitations (or reminders) of one event."""

    def __init__(self, event: Event, *, reminder: bool, now: datetime) -> None:
        self.event = event
        self.reminder = reminder
        self.now = now
        self.sender = sender_address(current_app.config["MAIL_FROM"])
        self.reply_to = organiser_reply_to(event)

    def build(self, invitee: Invitee) -> OutgoingMail:
        """Return the mail for ``invitee`` with their personal yes and no links."""
        event, language = self.event, invitee.language
        base = external_url("invitations.answer", token=invitee.token)
        subject = invitation_subject(event, language, reminder=self.reminder)
        with force_locale(language):
            context = {
                "language": language,
                "subject": subject,
                "heading": _("We have not heard from you yet") if self.reminder
                else _("You are invited"),
                "name": invitee.name,
                "extra_guests": invitee.extra_guests,
                "event": event_facts(event, language),
                "deadline": (
                    display.local_date(event.rsvp_closes_at, event, language)
                    if event.rsvp_closes_at
                    else None
                ),
                "yes_url": base + "?say=yes#yes",
                "no_url": base + "?say=no#no",
            }
            text = render_template("mail/invitation.txt", **context)
            html = render_template("mail/invitation.html", **context)
        # The messages' opt-out link: one click (RFC 8058) stops the reminders too.
        unsubscribe = opt_out_url(event.id, invitee.email)
        return mime.compose(
            sender=self.sender,
            recipient=mail_address(invitee.name, invitee.email),
            subject=subject,
            message_id=new_message_id(self.sender),
            date=self.now,
            text=text,
            html=html,
            reply_to=self.reply_to,
            headers={
                "Auto-Submitted": "auto-generated",
                "Content-Language": language,
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


def queue_invitations(invitees, *, event: Event, reminder: bool = False, now: datetime) -> int:
    """Queue the invitation or reminder for each of ``invitees``; return how many.

    Each is a draft naming the invitee, written with one multi-row INSERT;
    the worker renders it. Invitees who declined the event's mail get none.
    """
    declined = opted_out(event.id)
    subjects: dict[str, str] = {}
    rows = []
    for invitee in invitees:
        if invitee.email_normalized in declined:
            continue
        if invitee.language not in subjects:
            subjects[invitee.language] = invitation_subject(event, invitee.language,
                                                            reminder=reminder)
        rows.append({"draft": {"invitee": invitee.id}, "recipient": invitee.email,
                     "subject": subjects[invitee.language]})
    enqueue_drafts(rows, kind=REMINDER_KIND if reminder else INVITATION_KIND)
    return len(rows)


def render_invitation(item: OutboxMessage, *, now: datetime) -> OutgoingMail:
    """Render one queued invitation or reminder; raise ``Superseded`` when it must not go."""
    invitee = db.session.get(Invitee, (item.draft or {}).get("invitee") or 0)
    if invitee is None:
        raise Unrenderable("the invitee no longer exists")
    reminder = item.kind == REMINDER_KIND
    if invitee.event.status == EventStatus.CANCELLED:
        raise Superseded("the event is cancelled now")
    if reminder and invitee.answer != Answer.NONE:
        raise Superseded("the invitee has answered")
    if invitee.email_normalized in opted_out(invitee.event_id):
        raise Superseded("the invitee declined these mails")
    return InvitationMails(invitee.event, reminder=reminder, now=now).build(invitee)


def preload_invitees(items: list[OutboxMessage]) -> list[Invitee]:
    """Load a batch's invitees and their events in one query (kept while the batch renders)."""
    wanted = {(item.draft or {}).get("invitee") for item in items} - {None}
    return list(db.session.scalars(
        select(Invitee).options(joinedload(Invitee.event)).where(Invitee.id.in_(wanted))
    ))


def init_app(app: Flask) -> None:
    """Let the mail worker render invitations and reminders."""
    for kind in (INVITATION_KIND, REMINDER_KIND):
        register_renderer(app, kind, render_invitation, preload=preload_invitees)


def companion_ticket(companion: Registration, guest: Registration, *, own_address: bool) -> None:
    """Queue a companion's own ticket: to them, or to the guest who brings them."""
    if companion.status.value != "confirmed":
        return
    with force_locale(companion.language):
        title = companion.event.title(companion.language)
        if own_address:
            text = MailText(
                _("Your ticket for %(title)s", title=title),
                _("You are registered"),
                [_("%(guest)s registered you as their guest. Show the QR code below at the door.",
                   guest=guest.name)],
                with_ticket=True,
                invite=INVITE_REQUEST,
            )
        else:
            text = MailText(
                _("Ticket for %(name)s: %(title)s", name=companion.name, title=title),
                _("The ticket for your guest %(name)s", name=companion.name),
                [_("This ticket belongs to %(name)s, who comes with you. Forward this mail or "
                   "show the QR code below at the door.", name=companion.name)],
                with_ticket=True,
                # The host has the event in their calendar already: a second
                # entry for the same evening would only be in the way.
                invite=None,
            )
    queue_guest_mail(companion, "companion_ticket", text)
