"""Build the invitation, reminder and companion-ticket mails, in the invitee's language."""

from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import insert

from eventdesk.db import db
from eventdesk.events import display
from eventdesk.events.models import Event
from eventdesk.invitations.mailbytes import MailHead, fast_mail
from eventdesk.links import external_url
from eventdesk.mail import mime
from eventdesk.mail.address import mail_address, new_message_id, sender_address
from eventdesk.mail.mime import OutgoingMail
from eventdesk.mail.models import OutboxMessage
from eventdesk.messages.audience import opted_out
from eventdesk.messages.optout import opt_out_url
from eventdesk.registration.guest_mail import MailText, queue_guest_mail
from eventdesk.registration.models import Registration
from eventdesk.tickets.calendar import Method
from eventdesk.tickets.mails import event_facts, organiser_reply_to

# Stand-ins rendered into the templates once per language, replaced per invitee:
# rendering every invitation in full would make a list of thousands slow.
_NAME, _YES, _NO = "@@invitee-name@@", "@@yes-url@@", "@@no-url@@"


class InvitationMails:
    """Build the invitations (or reminders) of one event for many invitees."""

    def __init__(self, event: Event, *, reminder: bool, now: datetime) -> None:
        self.event = event
        self.reminder = reminder
        self.now = now
        self.sender = sender_address(current_app.config["MAIL_FROM"])
        self._rendered: dict[tuple[str, int], tuple[str, str, str]] = {}
        self._heads: dict[str, MailHead] = {}
        self.reply_to = organiser_reply_to(event)

    def _render(self, language: str, extra_guests: int) -> tuple[str, str, str]:
        key = (language, extra_guests)
        if key not in self._rendered:
            self._rendered[key] = self._render_once(language, extra_guests)
        return self._rendered[key]

    def _render_once(self, language: str, extra_guests: int) -> tuple[str, str, str]:
        event = self.event
        facts = event_facts(event, language)
        with force_locale(language):
            title = facts["title"]
            if self.reminder:
                subject = _("Reminder: will you come to %(title)s?", title=title)
                heading = _("We have not heard from you yet")
            else:
                subject = _("Invitation: %(title)s", title=title)
                heading = _("You are invited")
            context = {
                "language": language,
                "subject": subject,
                "heading": heading,
                "name": _NAME,
                "extra_guests": extra_guests,
                "event": facts,
                "deadline": (
                    display.local_date(event.rsvp_closes_at, event, language)
                    if event.rsvp_closes_at
                    else None
                ),
                "yes_url": _YES,
                "no_url": _NO,
            }
            text = render_template("mail/invitation.txt", **context)
            html = render_template("mail/invitation.html", **context)
        return subject, text, html

    def build(self, invitee) -> OutgoingMail:
        """Return the mail for ``invitee`` with their personal yes and no links."""
        subject, text, html = self._render(invitee.language, invitee.extra_guests)
        base = external_url("invitations.answer", token=invitee.token)
        yes_url, no_url = base + "?say=yes#yes", base + "?say=no#no"
        text = text.replace(_NAME, invitee.name).replace(_YES, yes_url).replace(_NO, no_url)
        html = (
            html.replace(_NAME, str(escape(invitee.name)))
            .replace(_YES, str(escape(yes_url)))
            .replace(_NO, str(escape(no_url)))
        )
        recipient = mail_address(invitee.name, invitee.email)
        message_id = new_message_id(self.sender)
        # The messages' opt-out link: one click (RFC 8058) stops the reminders too.
        unsubscribe = opt_out_url(self.event.id, invitee.email)
        headers = {
            "Content-Language": invitee.language,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        if subject not in self._heads:
            self._heads[subject] = MailHead.build(subject=subject, sender=self.sender,
                                                  date=self.now)
        fast = fast_mail(self._heads[subject], recipient=recipient, message_id=message_id,
                         text=text, html=html, extra_headers=headers, reply_to=self.reply_to)
        if fast is not None:
            return fast
        body = mime.multipart(
            "alternative", mime.text_part(text, "plain"), mime.text_part(html, "html")
        )
        return mime.compose(
            sender=self.sender,
            recipient=recipient,
            subject=subject,
            message_id=message_id,
            date=self.now,
            body=body,
            extra_headers={"Auto-Submitted": "auto-generated", **headers},
            reply_to=self.reply_to,
        )


def queue_invitations(invitees, *, event: Event, reminder: bool = False, now: datetime) -> int:
    """Put the invitation or reminder for each of ``invitees`` in the outbox; return how many.

    Written with one multi-row INSERT: the outbox row is what ``enqueue`` writes.
    """
    mails = InvitationMails(event, reminder=reminder, now=now)
    kind = "invitation_reminder" if reminder else "invitation"
    rows = []
    declined = opted_out(event)
    for invitee in invitees:
        if invitee.email_normalized in declined:
            continue
        message = mails.build(invitee)
        rows.append({
            "message_id": message.message_id,
            "kind": kind,
            "registration_id": None,
            "recipient": message.recipient,
            "subject": message.subject[:300],
            "raw": message.raw,
            "next_attempt_at": now,
        })
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


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
                invite=Method.REQUEST,
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
