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
from flask_babel import get_translations
from jinja2 import pass_context
from markupsafe import Markup

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


def _template_gettext():
    """Return the templates' ``gettext`` bound to the current language's catalogue.

    It behaves as Flask-Babel's (Jinja's "newstyle" gettext), but looks the
    catalogue up once per mail instead of once per string: that lookup was
    more than half the time the two templates took.
    """
    translations = get_translations()

    @pass_context
    def gettext(context, string: str, **variables) -> str:
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext


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
        "gettext": _template_gettext(),  # what ``_()`` in the templates calls
    }
    html = mime.text_part(render_template("mail/guest.html", **context), "html")
    alternatives = [mime.text_part(render_template("mail/guest.txt", **context), "plain")]
    attachments = []
    if ticket_code:
        png = qr_png(ticket_code)
        inline = mime.png_part(png, filename="ticket-qr.png", cid=qr_cid)
        alternatives.append(mime.multipart("related", html, inline))
        attachments.append(mime.png_part(png, filename="ticket.png"))
    else:
        alternatives.append(html)
    if text.invite:
        method = Method(text.invite)
        invite = build_invite(registration, method=method, now=now)
        alternatives.append(
            mime.text_part(invite.decode("utf-8"), "calendar", method=method.value)
        )
        attachments.append(mime.file_part(invite, "ics", filename="invite.ics"))
    body = mime.multipart("alternative", *alternatives)
    if attachments:
        body = mime.multipart("mixed", body, *attachments)
    return mime.compose(
        sender=sender,
        recipient=recipient,
        subject=text.subject,
        message_id=new_message_id(sender),
        date=now,
        body=body,
        # Tells auto-responders not to answer (RFC 3834).
        extra_headers={
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
