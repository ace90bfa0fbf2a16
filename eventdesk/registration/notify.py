"""Queue the guest mails that follow from registration and event changes.

``announce`` is the one step that turns what the registration rules did (an
``Outcome``) into mail; the other functions queue the mails of single actions.

Every function writes to the outbox in the caller's transaction, so the mail
goes out if and only if the change is committed. Mails are in the guest's
language. They are queued as drafts and rendered by the outbox worker (see
``eventdesk.registration.guest_mail``).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select, update

from eventdesk.db import db, utcnow
from eventdesk.events import display
from eventdesk.events.models import Event
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration.confirm_links import pending_lifetime
from eventdesk.registration.guest_mail import (
    INVITE_CANCEL,
    INVITE_REQUEST,
    MailText,
    queue_guest_mail,
)
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.registration.outcomes import Happened, Outcome


@contextmanager
def _guest_language(registration: Registration) -> Iterator[str]:
    """Speak the guest's language inside the block; yield the event title in it."""
    with force_locale(registration.language):
        yield registration.event.title(registration.language)


def announce(*outcomes: Outcome) -> None:
    """Queue the mail each outcome calls for, in the guest's language."""
    for outcome in outcomes:
        registration = outcome.registration
        match outcome.happened:
            case Happened.SEATED:
                registration_confirmed(registration)
            case Happened.WAITLISTED:
                registration_waitlisted(registration)
            case Happened.PENDING:
                address_confirmation(registration, fresh=outcome.new_row)
            case Happened.REPEATED if registration.status in (
                RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED
            ):
                registration_repeated(registration)
            case Happened.PROMOTED:
                registration_promoted(registration)
            case Happened.CANCELLED:
                registration_cancelled(registration, was_confirmed=outcome.was_confirmed)
            case Happened.RENAMED:
                details_changed(registration)
        for guest in outcome.promoted:
            registration_promoted(guest)


def _with_ticket(subject: str, heading: str, *paragraphs: str) -> MailText:
    return MailText(subject, heading, list(paragraphs), with_ticket=True, invite=INVITE_REQUEST)


def registration_confirmed(registration: Registration) -> None:
    """Queue the confirmation with the QR ticket and the calendar invite."""
    with _guest_language(registration) as title:
        queue_guest_mail(registration, "confirmed", _with_ticket(
            _("Your ticket for %(title)s", title=title),
            _("You are registered"),
            _("Welcome! Show the QR code below at the door; "
              "the invite puts the event in your calendar."),
        ))


def registration_waitlisted(registration: Registration) -> None:
    """Queue the message that the guest is on the waiting list."""
    with _guest_language(registration) as title:
        queue_guest_mail(registration, "waitlisted", MailText(
            _("You are on the waiting list for %(title)s", title=title),
            _("You are on the waiting list"),
            [_("The event is full. When a seat comes free you get it automatically, "
               "and we mail you your ticket.")],
        ))


def registration_promoted(registration: Registration) -> None:
    """Queue the ticket for a guest promoted from the waiting list."""
    with _guest_language(registration) as title:
        queue_guest_mail(registration, "promoted", _with_ticket(
            _("A seat came free: your ticket for %(title)s", title=title),
            _("You have a seat"),
            _("A seat came free and it is yours. Show the QR code below at the door."),
        ))


# A repeated registration mails the guest at most this often, so that a
# stranger cannot flood someone's inbox by registering their address again.
REPEAT_MAIL_PAUSE = timedelta(minutes=10)


def _reminded_since(registration: Registration, moment: datetime, kind: str = "reminder") -> bool:
    return db.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.registration_id == registration.id,
            OutboxMessage.kind == kind,
            OutboxMessage.created_at > moment,
        )
        .limit(1)
    ) is not None


def registration_repeated(registration: Registration, *, now: datetime | None = None) -> None:
    """Queue a reminder after a repeated registration: the ticket again, or the waiting place."""
    now = now or utcnow()
    if _reminded_since(registration, now - REPEAT_MAIL_PAUSE):
        return
    with _guest_language(registration) as title:
        if registration.status == RegistrationStatus.CONFIRMED:
            text = _with_ticket(
                _("Your ticket for %(title)s", title=title),
                _("You were already registered"),
                _("Here is your ticket again."),
            )
        else:
            text = MailText(
                _("Your registration for %(title)s", title=title),
                _("You are on the waiting list"),
                [_("You were already on the waiting list. We mail you your ticket when a seat "
                   "comes free.")],
            )
        queue_guest_mail(registration, "reminder", text)


def address_confirmation(
    registration: Registration, *, fresh: bool = False, now: datetime | None = None
) -> None:
    """Queue the mail whose link confirms a pending guest's address and takes their seat.

    Asked again for the same registration, it is mailed at most once per
    REPEAT_MAIL_PAUSE (``fresh``: the registration was just made, so there is no earlier one).
    """
    now = now or utcnow()
    if not fresh and _reminded_since(registration, now - REPEAT_MAIL_PAUSE, "confirm_address"):
        return
    hours = round(pending_lifetime().total_seconds() / 3600)
    with _guest_language(registration) as title:
        queue_guest_mail(registration, "confirm_address", MailText(
            _("Confirm your registration for %(title)s", title=title),
            _("Please confirm your email address"),
            [
                _("To keep the seats for real guests, we ask you to confirm your email "
                  "address before we reserve a seat for you. No seat is reserved yet."),
                ngettext("Follow the link below within %(num)d hour. You then get your "
                         "ticket, or a place on the waiting list if the event is full by then.",
                         "Follow the link below within %(num)d hours. You then get your "
                         "ticket, or a place on the waiting list if the event is full by then.",
                         hours),
                _("Did you not register? Then ignore this mail: nothing happens, and your "
                  "address is deleted."),
            ],
            confirm_link=True,
        ))


def ticket_reissued(registration: Registration) -> None:
    """Queue the ticket with its new code; the old code no longer works."""
    with _guest_language(registration) as title:
        queue_guest_mail(registration, "reissued", _with_ticket(
            _("Your new ticket for %(title)s", title=title),
            _("Your new ticket"),
            _("Your ticket has a new code. The previous code no longer works at the door."),
        ))


def details_changed(registration: Registration) -> None:
    """Queue the updated calendar invite after the guest changed their name."""
    with _guest_language(registration) as title:
        queue_guest_mail(registration, "details_changed", MailText(
            _("Updated: %(title)s", title=title),
            _("Your details are updated"),
            [_("Your registration is now in the name of %(name)s. The invite in this mail "
               "updates the entry in your calendar; your ticket stays the same.",
               name=registration.name)],
            invite=INVITE_REQUEST,
        ))


def ticket_resent(registration: Registration) -> None:
    """Queue the guest's current ticket once more (the organiser's resend)."""
    with _guest_language(registration) as title:
        queue_guest_mail(registration, "resent", _with_ticket(
            _("Your ticket for %(title)s", title=title),
            _("Your ticket"),
            _("The organiser sends you your ticket once more. Show the QR code below at the door."),
        ))


def registration_cancelled(registration: Registration, *, was_confirmed: bool) -> None:
    """Queue the cancellation notice; a confirmed guest's calendar entry is cancelled too."""
    with _guest_language(registration) as title:
        queue_guest_mail(registration, "cancelled", MailText(
            _("Registration cancelled: %(title)s", title=title),
            _("Your registration has been cancelled"),
            [_("You are no longer registered. You can register again on the event page "
               "while places are available.")],
            invite=INVITE_CANCEL if was_confirmed else None,
        ))


def _guests(event: Event, status: RegistrationStatus) -> list[Registration]:
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == status)
        .order_by(Registration.id)
        # The sequence was just raised by an UPDATE: read it back, not the cached value.
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def _raise_sequences(event: Event) -> None:
    table = Registration.__table__
    db.session.execute(
        update(table)
        .where(table.c.event_id == event.id, table.c.status == RegistrationStatus.CONFIRMED)
        .values(calendar_sequence=table.c.calendar_sequence + 1)
    )


def _what_changed(event: Event, changed: frozenset[str], language: str) -> list[str]:
    """Say in a sentence each what changed: the time, the place, the name."""
    lines = []
    if changed & {"starts_at", "ends_at", "timezone"}:
        lines.append(_("New time: %(date)s, %(start)s–%(end)s.",
                       date=display.local_date(event.starts_at, event, language),
                       start=display.local_time(event.starts_at, event, language),
                       end=display.local_time(event.ends_at, event, language)))
    if changed & {"venue", "address"}:
        place = ", ".join(part for part in (event.venue, event.address) if part)
        lines.append(_("New place: %(place)s.", place=place))
    if changed & {"title_nl", "title_en"}:
        lines.append(_("New name: %(title)s.", title=event.title(language)))
    return lines


def event_changed(event: Event, *, changed: frozenset[str] = frozenset()) -> int:
    """Send every confirmed guest an updated invite after a change of time or place.

    Call it after changing ``event``, in the same transaction, with the names
    of the fields that ``changed``, so the mail can say what is new. Raises
    each confirmed guest's calendar SEQUENCE so calendars replace the entry
    (same UID). Returns the number of mails queued.
    """
    db.session.flush()
    _raise_sequences(event)
    guests = _guests(event, RegistrationStatus.CONFIRMED)
    for registration in guests:
        with _guest_language(registration) as title:
            news = _what_changed(event, changed, registration.language)
            queue_guest_mail(registration, "event_changed", _with_ticket(
                _("Changed: %(title)s", title=title),
                _("The event has changed"),
                *news,
                _("The details below are up to date, and the invite updates your calendar. "
                  "Your ticket stays valid.") if news else
                _("The time or place of the event has changed. The details below are up to "
                  "date, and the invite updates your calendar. Your ticket stays valid."),
            ))
    return len(guests)


def event_cancelled(event: Event) -> int:
    """Tell every guest that the event is cancelled; confirmed guests get a METHOD:CANCEL.

    Call it in the same transaction in which the organiser cancels ``event``
    (setting its status is the caller's job; registrations keep theirs).
    Waitlisted guests get the notice without a calendar part. Returns the
    number of mails queued.
    """
    db.session.flush()
    _raise_sequences(event)
    confirmed = _guests(event, RegistrationStatus.CONFIRMED)
    waiting = _guests(event, RegistrationStatus.WAITLISTED)
    for registration in confirmed + waiting:
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        with _guest_language(registration) as title:
            queue_guest_mail(registration, "event_cancelled", MailText(
                _("Cancelled: %(title)s", title=title),
                _("The event has been cancelled"),
                [_("We are sorry: the organiser has cancelled this event. "
                   "Your ticket is no longer needed.")],
                invite=INVITE_CANCEL if was_confirmed else None,
            ))
    return len(confirmed) + len(waiting)
