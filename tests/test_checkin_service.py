"""Check-in rules, called directly."""

from datetime import timedelta

import pytest
from checkin_helpers import cancel, door_with_token, event_today, guest
from sqlalchemy import func, select

from eventdesk.checkin import doors, listing, scanlog, service
from eventdesk.checkin import results as r
from eventdesk.checkin.models import Scan
from eventdesk.checkin.walkin import walk_in
from eventdesk.db import db
from eventdesk.registration.codes import short_code, short_code_display


def scan(event, code, door, now, nonce=None, **kwargs):
    result = service.check_in(event, code, door=door, nonce=nonce, now=now, **kwargs)
    db.session.commit()
    return result


def test_first_scan_admits_second_is_already_checked_in_with_time_and_door(make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now, organisation="Tata Steel")
    main, _ = door_with_token(event, "Hoofdingang", now)
    side, _ = door_with_token(event, "Zijingang", now)

    first = scan(event, registration.ticket_code, main, now)
    later = now + timedelta(minutes=3)
    second = scan(event, registration.ticket_code, side, later)

    assert first.ok and first.door == "Hoofdingang" and first.checked_in_at == now
    assert first.as_json(event)["attendee"]["organisation"] == "Tata Steel"
    assert (second.status, second.reason) == ("error", r.ALREADY_CHECKED_IN)
    assert second.checked_in_at == now and second.door == "Hoofdingang"
    local = now.astimezone(event.zone).strftime("%H:%M")
    assert second.as_json(event)["checked_in_time"] == local
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 2


@pytest.mark.parametrize(
    "mangle", [str.lower, lambda c: f"  {c[:10]} {c[10:]}\n", lambda c: c + "\r\n"]
)
def test_scanner_noise_is_cleaned(make_event, now, mangle):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    door, _ = door_with_token(event, "Hoofdingang", now)
    assert scan(event, mangle(registration.ticket_code), door, now).ok


@pytest.mark.parametrize("junk", ["", "hello", "ED1" + "A" * 32, "x" * 10_000, "\x00\ufffd'; --"])
def test_junk_is_unknown_and_logged_short(make_event, now, junk):
    event = event_today(make_event, now)
    door, _ = door_with_token(event, "Hoofdingang", now)
    result = scan(event, junk, door, now)
    assert (result.status, result.reason) == ("error", r.UNKNOWN)
    logged = db.session.scalar(select(Scan))
    assert logged.reason == r.UNKNOWN and len(logged.raw_code) <= 120


def test_refusals_for_other_event_cancelled_waitlisted_and_not_open(make_event, now):
    event = event_today(make_event, now, capacity=1)
    other = event_today(make_event, now)
    later = make_event()  # a month away
    door, _ = door_with_token(event, "Hoofdingang", now)
    later_door, _ = door_with_token(later, "Hoofdingang", now)

    seated = guest(event, "a@example.org", now)
    waiting = guest(event, "b@example.org", now)
    elsewhere = guest(other, "c@example.org", now)
    early = guest(later, "d@example.org", now)
    cancelled = guest(other, "e@example.org", now)
    code = cancelled.ticket_code
    cancel(cancelled, now)
    cancelled_elsewhere = scan(other, code, doors.create_door(other, name="X", now=now), now)

    assert scan(event, elsewhere.ticket_code, door, now).reason == r.WRONG_EVENT
    assert scan(later, early.ticket_code, later_door, now).reason == r.NOT_OPEN
    assert scan(later, early.ticket_code, later_door, now, opens_before=None).ok
    assert cancelled_elsewhere.reason == r.CANCELLED
    assert waiting.ticket_code is None
    assert service.check_in_registration(
        event, waiting.id, door=door, nonce=None, now=now
    ).reason == r.WAITLISTED
    assert scan(event, seated.ticket_code, door, now).ok


def test_same_nonce_twice_gives_same_answer_and_one_check_in(make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    door, _ = door_with_token(event, "Hoofdingang", now)

    first = scan(event, registration.ticket_code, door, now, nonce="n-1")
    again = scan(event, registration.ticket_code, door, now + timedelta(seconds=5), nonce="n-1")
    fresh = scan(event, registration.ticket_code, door, now, nonce="n-2")

    assert first.ok and again.ok and again.replayed
    assert again.checked_in_at == first.checked_in_at
    assert fresh.reason == r.ALREADY_CHECKED_IN
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 2
    with pytest.raises(scanlog.BadNonce):
        scan(event, registration.ticket_code, door, now, nonce="n" * 65)


def test_undo_lets_the_ticket_in_again(make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now)
    door, _ = door_with_token(event, "Hoofdingang", now)
    scan(event, registration.ticket_code, door, now)

    undone = service.undo(event, registration.id, door=door, nonce=None, now=now)
    twice = service.undo(event, registration.id, door=door, nonce=None, now=now)
    db.session.commit()

    assert undone.ok and twice.reason == r.NOT_CHECKED_IN
    assert registration.checked_in_at is None
    assert listing.counts(event) == {"checked_in": 0, "expected": 1}
    assert scan(event, registration.ticket_code, door, now).ok
    assert listing.counts(event) == {"checked_in": 1, "expected": 1}
    assert service.undo(event, "1; drop", door=door, nonce=None, now=now).reason == r.UNKNOWN


def test_search_by_name_organisation_and_email(make_event, now):
    event = event_today(make_event, now)
    guest(event, "zoe@example.org", now, name="Zoë de Vries", organisation="Tata Steel")
    guest(event, "jan@school.example", now, name="Jan Bakker", organisation="Nova College")
    guest(make_event(), "jan@other.example", now, name="Jan Other")

    def names(query):
        return [g.name for g in listing.search(event, query)]

    assert names("zoë") == ["Zoë de Vries"]
    assert names("TATA") == ["Zoë de Vries"]
    assert names("school.example") == ["Jan Bakker"]
    assert names("jan nova") == ["Jan Bakker"]
    assert names("%") == [] and names("_") == [] and names("") == []


def test_walk_in_within_capacity_then_only_by_logged_override(make_event, now):
    event = event_today(make_event, now, capacity=1)
    door, _ = door_with_token(event, "Hoofdingang", now)

    first = walk_in(event, name="Piet Walk", door=door, nonce=None, now=now)
    full = walk_in(event, name="Kees Late", door=door, nonce=None, now=now)
    forced = walk_in(event, name="Kees Late", email="kees@example.org", override=True,
                     door=door, nonce=None, now=now)
    db.session.commit()

    assert first.ok and not first.override and first.registration.ticket_code.startswith("ED1")
    assert full.reason == r.FULL
    assert forced.ok and forced.override
    assert event.confirmed_count == 2
    assert listing.counts(event) == {"checked_in": 2, "expected": 2}
    logged = db.session.scalars(select(Scan).order_by(Scan.id)).all()
    assert [(s.status, s.reason, s.override) for s in logged] == [
        ("ok", None, False), ("error", r.FULL, False), ("ok", None, True)
    ]
    again = walk_in(event, name="K", email="KEES@example.org", override=True, door=door,
                    nonce=None, now=now)
    assert again.reason == r.ALREADY_REGISTERED and again.registration.id == forced.registration.id


def test_a_pin_opens_its_own_door_and_revocation_ends_everything(make_event, now):
    event = event_today(make_event, now)
    door, token = door_with_token(event, "Hoofdingang", now)
    side = doors.create_door(event, name="Zijingang", now=now)
    pin, side_pin = doors.issue_pin(door), doors.issue_pin(side)
    db.session.commit()
    assert door.pin_hash and pin not in door.pin_hash and token not in (door.token_hash or "")
    assert pin != side_pin  # a PIN names its door, so no two doors of an event share one
    assert doors.door_for_pin(event, pin) is door
    assert doors.door_for_pin(event, f" {side_pin} ") is side
    wrong = next(guess for guess in ("000000", "111111", "222222") if guess not in (pin, side_pin))
    # No lock: wrong PINs are slowed down per address and event by the caller.
    for _ in range(20):
        assert doors.door_for_pin(event, wrong) is None
    assert doors.door_for_pin(event, pin) is door
    assert doors.door_for_pin(event, "12345６") is None  # a full-width digit is no digit
    assert doors.door_for_pin(other_event := make_event(), pin) is None
    assert other_event.id != event.id

    version = door.secret_version
    doors.revoke_door(door, now=now)
    db.session.commit()
    assert doors.door_by_token(token) is None
    assert doors.door_for_pin(event, pin) is None
    assert not doors.check_pin(door, pin)
    assert not doors.session_matches(door, version)


def test_short_code_admits_typed_forgivingly_and_finds_the_guest(make_event, now):
    event = event_today(make_event, now)
    registration = guest(event, "a@example.org", now, name="Ada Kort")
    # Letters people type as digits: O and I (base32 has no 0 or 1).
    registration.ticket_code = "ED1OIBA" + registration.ticket_code[7:]
    db.session.commit()
    other_event = event_today(make_event, now)
    door, _ = door_with_token(event, "Hoofdingang", now)
    short = short_code(registration.ticket_code)
    typed = short_code_display(registration.ticket_code).lower().replace("o", "0")
    typed = " " + typed.replace("i", "1").replace("b", "8") + " "
    assert typed.startswith(" 018a")

    assert [g.name for g in listing.search(event, typed)] == ["Ada Kort"]
    assert listing.search(other_event, short) == []
    result = scan(event, typed, door, now)
    assert result.ok and result.registration.id == registration.id
    assert scan(event, short, door, now).reason == r.ALREADY_CHECKED_IN
    # The short code of another event's ticket is unknown here.
    other_door, _ = door_with_token(other_event, "Hoofdingang", now)
    assert scan(other_event, short, other_door, now).reason == r.UNKNOWN


def test_a_short_code_two_tickets_share_is_ambiguous_not_a_guess(make_event, now):
    event = event_today(make_event, now)
    first = guest(event, "a@example.org", now, name="Ada Een")
    second = guest(event, "b@example.org", now, name="Bob Twee")
    # Rare in life (40 bits), forced here: both codes start alike.
    second.ticket_code = first.ticket_code[:11] + second.ticket_code[11:]
    db.session.commit()
    door, _ = door_with_token(event, "Hoofdingang", now)

    result = scan(event, short_code(first.ticket_code), door, now)
    assert (result.status, result.reason) == ("error", r.AMBIGUOUS)
    assert result.as_json(event)["attendee"] is None
    assert listing.search(event, short_code(first.ticket_code)) == []
    assert scan(event, first.ticket_code, door, now).ok
    db.session.refresh(second)
    assert second.checked_in_at is None
