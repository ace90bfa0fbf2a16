"""Render the guest mails that registration queues as drafts (the outbox worker calls this).

A registration should not wait for its ticket mail: the QR code, the calendar
invite and the MIME message take longer than the rest of the request
together. So the request stores what the mail says (its text, already in the
guest's language) and the state it speaks of (the registration's status and
ticket code); the worker renders it just before the first attempt and keeps
the bytes, so every retry sends the same message.

The event's details, the guest's name and the calendar SEQUENCE are those of
the moment of rendering, which is what the guest needs. A mail whose news is
out of date by then (the guest cancelled, was promoted, got a new code, or the
event was cancelled) is not sent: a later mail in the outbox says what is true.

``init_app`` registers the renderer with the mail package for every kind of
guest mail that ``eventdesk.registration`` queues.
"""

from datetime import datetime

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventdesk.db import db
from eventdesk.events.models import EventStatus
from eventdesk.mail.mime import OutgoingMail
from eventdesk.mail.models import OutboxMessage
from eventdesk.mail.rendering import Superseded, Unrenderable, register_renderer
from eventdesk.registration.guest_mail import MailText
from eventdesk.registration.models import Registration
from eventdesk.tickets.calendar import Method
from eventdesk.tickets.mails import build_guest_mail

# Every kind of guest mail queued with ``registration.guest_mail.queue_guest_mail``.
GUEST_MAIL_KINDS = (
    "confirmed", "waitlisted", "promoted", "reminder", "confirm_address", "reissued",
    "details_changed", "resent", "cancelled", "event_changed", "event_cancelled",
    "companion_ticket",
)


def _check_current(registration: Registration, draft: dict) -> None:
    if registration.status.value != draft["status"]:
        raise Superseded(f"the registration is {registration.status.value} now")
    if draft["with_ticket"] and registration.ticket_code != draft["ticket_code"]:
        raise Superseded("the ticket has a new code now")
    event_cancelled = registration.event.status == EventStatus.CANCELLED
    if event_cancelled and draft["invite"] == Method.REQUEST.value:
        raise Superseded("the event is cancelled now")


def render_draft(item: OutboxMessage, *, now: datetime) -> OutgoingMail:
    """Render a queued draft into the finished mail, in the guest's language.

    Raises ``Superseded`` when its news is out of date and ``Unrenderable``
    when its registration is gone.
    """
    draft = item.draft or {}
    registration = (
        db.session.get(Registration, item.registration_id) if item.registration_id else None
    )
    if registration is None or not draft:
        raise Unrenderable("the registration no longer exists")
    _check_current(registration, draft)
    text = MailText(
        subject=draft["subject"],
        heading=draft["heading"],
        paragraphs=list(draft["paragraphs"]),
        with_ticket=draft["with_ticket"],
        invite=draft["invite"],
        confirm_link=draft.get("confirm_link", False),
    )
    # Links come from EVENTDESK_BASE_URL alone. Drafts queued by older
    # versions also carry the requesting host ("base_url"): it is ignored.
    with force_locale(registration.language):
        return build_guest_mail(registration, text, now=now)


def preload_guests(items: list[OutboxMessage]) -> list[Registration]:
    """Load a batch's guests and their events in one query.

    ``render_draft`` then finds them in the session, which holds them only
    while something else does: the mail package keeps this list for the batch.
    """
    wanted = {item.registration_id for item in items if item.registration_id}
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.event))
        .where(Registration.id.in_(wanted))
    ))


def init_app(app: Flask) -> None:
    """Let the mail worker render every kind of guest mail."""
    for kind in GUEST_MAIL_KINDS:
        register_renderer(app, kind, render_draft, preload=preload_guests)
