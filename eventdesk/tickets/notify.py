"""Queue the guest mails that follow from registration changes."""

from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from eventdesk.links import external_url
from eventdesk.mail.outbox import enqueue
from eventdesk.registration.models import Registration


def _queue(registration: Registration, kind: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = registration.email
    message["Message-ID"] = make_msgid(domain="eventdesk")
    message.set_content(body)
    enqueue(message, kind=kind, registration=registration)


def _manage_link(registration: Registration) -> str:
    return external_url("registration.manage", token=registration.manage_token)


def registration_confirmed(registration: Registration) -> None:
    """Queue the confirmation with the ticket."""
    with force_locale(registration.language):
        title = registration.event.title(registration.language)
        _queue(
            registration,
            "confirmed",
            _("Your ticket for %(title)s", title=title),
            _("You are registered. Manage your registration: %(link)s", link=_manage_link(registration)),
        )


def registration_waitlisted(registration: Registration) -> None:
    """Queue the message that the guest is on the waiting list."""
    with force_locale(registration.language):
        title = registration.event.title(registration.language)
        _queue(
            registration,
            "waitlisted",
            _("You are on the waiting list for %(title)s", title=title),
            _("Manage your registration: %(link)s", link=_manage_link(registration)),
        )


def registration_promoted(registration: Registration) -> None:
    """Queue the ticket for a guest promoted from the waiting list."""
    registration_confirmed(registration)


def registration_repeated(registration: Registration) -> None:
    """Queue a reminder of the manage link after a repeated registration."""
    with force_locale(registration.language):
        title = registration.event.title(registration.language)
        _queue(
            registration,
            "reminder",
            _("Your registration for %(title)s", title=title),
            _("Manage your registration: %(link)s", link=_manage_link(registration)),
        )


def registration_cancelled(registration: Registration, *, was_confirmed: bool) -> None:
    """Queue the cancellation notice."""
    with force_locale(registration.language):
        title = registration.event.title(registration.language)
        _queue(
            registration,
            "cancelled",
            _("Registration cancelled: %(title)s", title=title),
            _("Your registration has been cancelled."),
        )
