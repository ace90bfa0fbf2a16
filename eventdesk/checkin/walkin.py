"""Walk-ins: register a guest at the door and check them in at once."""

import uuid
from datetime import datetime, timedelta

from eventdesk.checkin import results as r
from eventdesk.checkin.models import Door, ScanAction
from eventdesk.checkin.scanlog import recorded
from eventdesk.checkin.service import DEFAULT_OPENS_BEFORE, checkin_open
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.inputs import normalize_email
from eventdesk.registration.admission import Guest, admit, find_registration
from eventdesk.registration.confirmation import withdraw_pending
from eventdesk.registration.errors import NoSeatFree
from eventdesk.registration.models import RegistrationStatus
from eventdesk.registration.outcomes import Happened
from eventdesk.registration.seats import Seating


def walk_in(event: Event, *, name: str, email: str = "", organisation: str = "",
            override: bool = False, door: Door, nonce: str | None, now: datetime,
            language: str = "nl", opens_before: timedelta | None = DEFAULT_OPENS_BEFORE
            ) -> r.Result:
    """Register ``name`` at the door and check them in, within capacity or by override."""
    email = email.strip()

    def decide() -> r.Result:
        if not checkin_open(event, now=now, opens_before=opens_before):
            return r.Result(r.ERROR, r.NOT_OPEN)
        if email:
            existing = find_registration(event, email)
            # An unconfirmed registration holds nothing, and the guest at the
            # door vouches for the address better than a mail would.
            unconfirmed = existing is not None and existing.status == RegistrationStatus.PENDING
            if existing is not None and not (unconfirmed and withdraw_pending(existing)):
                return r.Result(r.ERROR, r.ALREADY_REGISTERED, existing,
                                checked_in_at=existing.checked_in_at)
        try:
            # An override counts the guest past the capacity, explicitly and
            # logged, so "expected" and the seat counter stay true.
            outcome = admit(
                event,
                Guest(name=name, email=email, organisation=organisation, language=language),
                now=now,
                seating=Seating.FORCED if override else Seating.REQUIRED,
                # Without an address each walk-in still needs a distinct key.
                key=normalize_email(email) if email else f"walk-in:{uuid.uuid4().hex}",
                start_again=(),
            )
        except NoSeatFree:
            return r.Result(r.ERROR, r.FULL)
        registration = outcome.registration
        if outcome.happened == Happened.REPEATED:
            # Registered by another request a moment ago.
            return r.Result(r.ERROR, r.ALREADY_REGISTERED, registration,
                            checked_in_at=registration.checked_in_at)
        registration.checked_in_at = now
        registration.checked_in_door_id = door.id
        db.session.flush()
        return r.Result(r.OK, None, registration, checked_in_at=now, door=door.name,
                        override=outcome.forced)

    return recorded(event, door, action=ScanAction.WALK_IN, raw=name, nonce=nonce, now=now,
                    decide=decide)
