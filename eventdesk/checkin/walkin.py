"""Walk-ins: register a guest at the door and check them in at once."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import update

from eventdesk.checkin import results as r
from eventdesk.checkin.models import Door, ScanAction
from eventdesk.checkin.scanlog import recorded
from eventdesk.checkin.service import DEFAULT_OPENS_BEFORE, checkin_open
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.events.service import take_seat
from eventdesk.inputs import normalize_email
from eventdesk.registration.codes import new_ticket_code
from eventdesk.registration.confirmation import withdraw_pending
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.registration.service import find_registration


def _force_seat(event: Event) -> None:
    # take_seat refuses past capacity; an explicit, logged override counts the
    # guest anyway so "expected" and the seat counter stay true.
    table = Event.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == event.id)
        .values(confirmed_count=table.c.confirmed_count + 1)
    )
    db.session.expire(event, ["confirmed_count"])


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
        forced = False
        if not take_seat(event):
            if not override:
                return r.Result(r.ERROR, r.FULL)
            _force_seat(event)
            forced = True
        registration = Registration(
            event_id=event.id,
            status=RegistrationStatus.CONFIRMED,
            name=name,
            email=email,
            # Without an address each walk-in still needs a distinct key.
            email_normalized=normalize_email(email) if email else f"walk-in:{uuid.uuid4().hex}",
            organisation=organisation,
            language=language,
            ticket_code=new_ticket_code(),
            consented_at=now,
            created_at=now,
            confirmed_at=now,
            checked_in_at=now,
            checked_in_door_id=door.id,
        )
        db.session.add(registration)
        db.session.flush()
        return r.Result(r.OK, None, registration, checked_in_at=now, door=door.name,
                        override=forced)

    return recorded(event, door, action=ScanAction.WALK_IN, raw=name, nonce=nonce, now=now,
                    decide=decide)
