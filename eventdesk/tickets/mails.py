"""Build a guest mail: text and HTML, the inline QR ticket and the calendar invite.

The MIME shape works in Gmail, Outlook and Apple Mail::

    multipart/mixed
      multipart/alternative
        text/plain
        multipart/related
          text/html               (shows the QR through cid:)
          image/png               (inline QR)
        text/calendar; method=REQUEST|CANCEL
      image/png                   (ticket.png, attached)
      application/ics             (invite.ics, attached)

Gmail strips ``data:`` images, so the QR travels as a cid: part.
"""

from datetime import datetime

from flask import current_app, render_template

from eventdesk.events import display
from eventdesk.events.models import Event
from eventdesk.links import external_url
from eventdesk.mail import mime
from eventdesk.mail.address import mail_address, new_message_id, sender_address
from eventdesk.mail.mime import OutgoingMail
from eventdesk.registration import confirm_links
from eventdesk.registration.guest_mail import MailText
from eventdesk.registration.models import Registration
from eventdesk.tickets.calendar import Method, build_invite
from eventdesk.tickets.qr import qr_png
from eventdesk.wallet.routes import wallet_links


def event_facts(event: Event, language: str) -> dict:
    """Return what a mail says about ``event``, in ``language``."""
    return {
        "title": event.title(language),
        "date": display.local_date(event.starts_at, event, language),
        "start": display.local_time(event.starts_at, event, language),
        "end": display.local_time(event.ends_at, event, language),
        "venue": event.venue,
        "address": event.address,
        "map_url": display.map_url(event),
        "url": external_url("events.detail", slug=event.slug),
        "organiser_name": event.organiser_name,
        "organiser_email": event.organiser_email,
        "description": display.render_markdown(event.description(language)),
    }


def build_guest_mail(registration: Registration, text: MailText, *, now: datetime) -> OutgoingMail:
    """Return the complete mail to ``registration``'s guest, ready for the outbox.

    Call it inside ``force_locale(registration.language)`` so the templates
    speak the guest's language.
    """
    sender = sender_address(current_app.config["MAIL_FROM"])
    recipient = mail_address(registration.name, registration.email)
    ticket_code = registration.ticket_code if text.with_ticket else None
    qr_cid = new_message_id(sender) if ticket_code else None
    context = {
        "registration": registration,
        "text": text,
        "event": event_facts(registration.event, registration.language),
        "ticket_code": ticket_code,
        "qr_src": f"cid:{qr_cid[1:-1]}" if qr_cid else None,
        "manage_url": external_url("registration.manage", token=registration.manage_token),
        "confirm_url": (
            external_url("registration.confirm_address",
                         token=confirm_links.confirmation_token(registration))
            if text.confirm_link
            else None
        ),
        "ticket_url": (
            external_url("tickets.printable", token=registration.manage_token)
            if ticket_code
            else None
        ),
        "wallet": wallet_links(registration, external=True) if ticket_code else {},
        "language": registration.language,
    }
    png = qr_png(ticket_code) if ticket_code else None
    invite = None
    attachments = []
    if png is not None:
        attachments.append(mime.Attachment(png, "image/png", "ticket.png"))
    if text.invite:
        method = Method(text.invite)
        ics = build_invite(registration, method=method, now=now)
        invite = mime.CalendarInvite(ics, method.value)
        attachments.append(mime.Attachment(ics, "application/ics", "invite.ics"))
    return mime.compose(
        sender=sender,
        recipient=recipient,
        subject=text.subject,
        message_id=new_message_id(sender),
        date=now,
        text=render_template("mail/guest.txt", **context),
        html=render_template("mail/guest.html", **context),
        inline_image=(
            mime.InlineImage(png, "image/png", qr_cid, "ticket-qr.png") if png is not None
            else None
        ),
        invite=invite,
        attachments=attachments,
        # Tells auto-responders not to answer (RFC 3834).
        headers={
            "Auto-Submitted": "auto-generated",
            "Content-Language": registration.language,
        },
        reply_to=organiser_reply_to(registration.event),
    )


def organiser_reply_to(event: Event):
    """Return the Address a guest's reply should reach: the event's organiser, if set."""
    if not event.organiser_email:
        return None
    try:
        return mail_address(event.organiser_name, event.organiser_email)
    except ValueError:
        return None
