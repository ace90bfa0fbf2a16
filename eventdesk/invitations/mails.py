"""Build the invitation, reminder and companion-ticket mails, in the invitee's language."""

from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from eventdesk.events import display
from eventdesk.events.models import Event
from eventdesk.links import external_url
from eventdesk.mail import mime
from eventdesk.mail.address import mail_address, new_message_id, sender_address
from eventdesk.mail.mime import OutgoingMail
from eventdesk.mail.outbox import enqueue
from eventdesk.registration.models import Registration
from eventdesk.tickets.calendar import Method
from eventdesk.tickets.mails import MailText, build_guest_mail


def _event_facts(event: Event, language: str) -> dict:
    return {
        "title": event.title(language),
        "date": display.local_date(event.starts_at, event, language),
        "start": display.local_time(event.starts_at, event, language),
        "end": display.local_time(event.ends_at, event, language),
        "venue": event.venue,
        "address": event.address,
        "url": external_url("events.detail", slug=event.slug),
    }


def build_invitation(invitee, *, reminder: bool, now: datetime) -> OutgoingMail:
    """Return the invitation (or reminder) for ``invitee`` with their yes/no links."""
    event = invitee.event
    language = invitee.language
    facts = _event_facts(event, language)
    with force_locale(language):
        title = facts["title"]
        if reminder:
            subject = _("Reminder: will you come to %(title)s?", title=title)
            heading = _("We have not heard from you yet")
        else:
            subject = _("Invitation: %(title)s", title=title)
            heading = _("You are invited")
        deadline = (
            display.local_date(event.rsvp_closes_at, event, language)
            if event.rsvp_closes_at
            else None
        )
        context = {
            "language": language,
            "subject": subject,
            "heading": heading,
            "invitee": invitee,
            "event": facts,
            "deadline": deadline,
            "yes_url": external_url("invitations.answer", token=invitee.token, say="yes") + "#yes",
            "no_url": external_url("invitations.answer", token=invitee.token, say="no") + "#no",
            "link_url": external_url("invitations.answer", token=invitee.token),
        }
        text = render_template("mail/invitation.txt", **context)
        html = render_template("mail/invitation.html", **context)
    sender = sender_address(current_app.config["MAIL_FROM"])
    body = mime.multipart(
        "alternative", mime.text_part(text, "plain"), mime.text_part(html, "html")
    )
    return mime.compose(
        sender=sender,
        recipient=mail_address(invitee.name, invitee.email),
        subject=subject,
        message_id=new_message_id(sender),
        date=now,
        body=body,
        extra_headers={"Auto-Submitted": "auto-generated"},
    )


def queue_invitation(invitee, *, reminder: bool = False, now: datetime) -> None:
    """Put the invitation or reminder for ``invitee`` in the outbox."""
    message = build_invitation(invitee, reminder=reminder, now=now)
    enqueue(message, kind="invitation_reminder" if reminder else "invitation")


def companion_ticket(
    companion: Registration, guest: Registration, *, own_address: bool, now: datetime
) -> None:
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
                invite=Method.REQUEST,
            )
        message = build_guest_mail(companion, text, now=now)
    enqueue(message, kind="companion_ticket", registration=companion)
