"""What a guest mail says, and queueing it as a draft for the outbox worker.

A registration should not wait for its ticket mail: the QR code, the calendar
invite and the MIME message take longer than the rest of the request
together. So the request stores what the mail says (its text, already in the
guest's language) and the state it speaks of (the registration's status and
ticket code); the worker renders it just before the first attempt (see
``eventdesk.tickets.drafts``) and keeps the bytes, so every retry sends the
same message.
"""

from dataclasses import dataclass, field

from eventdesk.db import db
from eventdesk.mail.outbox import enqueue_draft
from eventdesk.registration.models import Registration

# The calendar METHOD a mail's invite carries, as plain values: the calendar
# itself is built above this package, by the ticket mail's renderer.
INVITE_REQUEST = "REQUEST"  # an invite or update
INVITE_CANCEL = "CANCEL"  # removes the entry


@dataclass(frozen=True)
class MailText:
    """What one kind of guest mail says, already translated."""

    subject: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    with_ticket: bool = False
    # None, INVITE_REQUEST or INVITE_CANCEL (the calendar METHOD).
    invite: str | None = None
    # A pending registration's mail: the link that confirms the address, instead
    # of the manage link (there is nothing to manage until then).
    confirm_link: bool = False


def queue_guest_mail(registration: Registration, kind: str, text: MailText) -> None:
    """Queue a guest mail in the current transaction, to be rendered by the worker."""
    draft = {
        "subject": text.subject,
        "heading": text.heading,
        "paragraphs": list(text.paragraphs),
        "with_ticket": text.with_ticket,
        "invite": str(text.invite) if text.invite else None,
        "status": registration.status.value,
        "ticket_code": registration.ticket_code if text.with_ticket else None,
        "confirm_link": text.confirm_link,
    }
    if registration.id is None:
        db.session.flush()
    enqueue_draft(
        draft, kind=kind, registration_id=registration.id,
        recipient=registration.email, subject=text.subject,
    )
