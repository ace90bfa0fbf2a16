"""Bots on the public registration form: hold their registrations until the address is confirmed.

Nothing here refuses a guest outright for looking like a bot. A registration
that looks automated, or comes from a client address that has registered
many guests for the event this hour, is stored as *pending*: it holds no
seat and no ticket until the guest follows the link in the mail we send.
Made-up addresses therefore hold nothing, while 40 colleagues behind one
company address all still get in, the later ones after one click in a mail.

Only the confirmation mails are refused, past a cap per client address, so
that nobody can use eventdesk to mail strangers.

Both signals of the form itself (the honeypot field and the minimum fill
time) lead to the same answer as the address count: a bot that trips one
sees exactly what it sees when it is merely busy, so it cannot learn which
signal gave it away. A refusal or an error page would teach it; and a real
guest whose browser filled the form in a second loses nothing, they get a
confirmation mail instead of a ticket.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from itsdangerous import BadSignature, Signer

from eventdesk import ratelimit
from eventdesk.events.models import Event
from eventdesk.events.service import count_refused_registration
from eventdesk.registration import service
from eventdesk.registration.errors import RegistrationError

# The hidden form fields: the moment the form was handed out, and the trap.
STAMP_FIELD = "form_issued"
HOUR = timedelta(hours=1)


class TooManyConfirmationMails(RegistrationError):
    """This client address has asked for too many confirmation mails this hour."""


@dataclass(frozen=True)
class Screened:
    """A public registration and whether its guest must confirm their address first."""

    outcome: service.Outcome
    must_confirm: bool


def _signer() -> Signer:
    return Signer(current_app.secret_key, salt="eventdesk.registration-form-issued")


def new_form_stamp(*, now: float | None = None) -> str:
    """Return a signed stamp of the moment a blank registration form is handed out."""
    millis = int((time.time() if now is None else now) * 1000)
    return _signer().sign(str(millis)).decode()


def _stamp_time(stamp: object) -> float | None:
    if not isinstance(stamp, str) or len(stamp) > 100:
        return None
    try:
        return int(_signer().unsign(stamp)) / 1000
    except (BadSignature, ValueError):
        return None


def form_stamp() -> str:
    """Return the stamp for the form on this page: the guest's own after a failed POST.

    A guest who corrects a mistake keeps the moment they first got the form,
    so their second try is not taken for a bot's quick one.
    """
    if request.method == "POST":
        posted = request.form.get(STAMP_FIELD)
        if _stamp_time(posted) is not None:
            return posted
    return new_form_stamp()


def filled_too_fast(stamp: object, *, now: float | None = None) -> bool:
    """Tell whether a form came back sooner than a person fills it, or without a valid stamp.

    A stamp has no expiry: a guest may leave the page open for a day. A bot
    that sends one old stamp again and again passes this check, and is
    held by the count per client address instead.
    """
    minimum = float(current_app.config["REGISTRATION_MIN_FILL_SECONDS"])
    if minimum <= 0:
        return False
    issued = _stamp_time(stamp)
    if issued is None:
        return True
    return (time.time() if now is None else now) - issued < minimum


def _needs_confirmation(event: Event, *, client: str, suspicious: bool, now: datetime) -> bool:
    """Count this registration against its client address; tell whether it must be confirmed."""
    # Counted whatever else decides, so the address's count stays true.
    hits = ratelimit.hit(f"register:{event.id}:{client}", window=HOUR, now=now)
    if event.confirm_address_always or suspicious:
        return True
    return hits > int(current_app.config["REGISTRATION_CONFIRM_AFTER"])


def register_public(
    event: Event,
    *,
    client: str | None,
    suspicious: bool,
    name: str,
    email: str,
    organisation: str = "",
    answers: Mapping[str, str] | None = None,
    language: str = "nl",
    now: datetime,
) -> Screened:
    """Register a guest from the public form, holding the seat for a confirmation when needed.

    ``client`` is the client's address (behind EVENTDESK_PROXIES, the one the
    proxies report); ``suspicious`` says the form's own checks tripped.
    Raises ``TooManyConfirmationMails``, with nothing stored but the counts,
    when the address has asked for its hour's share of confirmation mails.
    """
    client = client or "unknown"
    must_confirm = _needs_confirmation(event, client=client, suspicious=suspicious, now=now)
    if must_confirm:
        # Counted before we know whether the address is registered already,
        # so the answer cannot tell a registered address from a new one.
        cap = int(current_app.config["REGISTRATION_CONFIRM_MAILS_PER_HOUR"])
        if ratelimit.hit(f"confirm-mail:{client}", window=HOUR, now=now) > cap:
            count_refused_registration(event)
            raise TooManyConfirmationMails()
    outcome = service.register(
        event, name=name, email=email, organisation=organisation, answers=answers,
        language=language, now=now, confirm_address=must_confirm,
    )
    return Screened(outcome, must_confirm)
