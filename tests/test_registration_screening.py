"""Bots on the registration form: held for a confirmation by mail, while real guests get seats."""

import io
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import zxingcpp
from backoffice import login, make_user
from mail_helpers import deliver, parts_by_type
from PIL import Image
from sqlalchemy import func, select

from eventdesk.auth.models import Role
from eventdesk.checkin import service as checkin
from eventdesk.checkin.models import Door
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.housekeeping import run_chores
from eventdesk.mail.models import OutboxMessage
from eventdesk.organiser.export import export_chunks
from eventdesk.registration import screening, service
from eventdesk.registration.models import Registration, RegistrationStatus

BOT = "203.0.113.66"
GUEST = "198.51.100.20"


@pytest.fixture
def app_config(app_config):
    # The shipped defaults, which conftest turns off for the rest of the suite.
    app_config.update(
        REGISTRATION_MIN_FILL_SECONDS=3,
        REGISTRATION_CONFIRM_AFTER=10,
        REGISTRATION_CONFIRM_MAILS_PER_HOUR=50,
    )
    return app_config


def aged_stamp(seconds: float = 10) -> str:
    """A form stamp as if the page had been served ``seconds`` ago."""
    return screening.new_form_stamp(now=time.time() - seconds)


def page_stamp(client, slug: str, address: str = GUEST) -> str:
    html = client.get(f"/events/{slug}", environ_base={"REMOTE_ADDR": address}).get_data(
        as_text=True
    )
    return re.search(r'name="form_issued" value="([^"]+)"', html).group(1)


def guest_form(event, number: int | str = "", **overrides) -> dict:
    data = {
        "name": f"Guest {number}",
        "email": f"guest{number}@example.org",
        "organisation": "Tata Steel",
        "consent": "y",
        f"q_{event.questions[0].id}": "yes",
    }
    data.update(overrides)
    return data


def post(client, slug: str, data: dict, address: str = GUEST, language: str = "en"):
    return client.post(
        f"/events/{slug}/register", data=data, environ_base={"REMOTE_ADDR": address},
        headers={"Accept-Language": language},
    )


def by_status(event_id: int, domain: str | None = None) -> Counter:
    query = select(Registration.status, func.count()).where(Registration.event_id == event_id)
    if domain:
        query = query.where(Registration.email_normalized.like(f"%@{domain}"))
    db.session.expire_all()
    return Counter(dict(db.session.execute(query.group_by(Registration.status)).all()))


def registration_of(address: str) -> Registration:
    db.session.expire_all()
    return db.session.scalar(select(Registration).where(Registration.email == address))


def test_a_bot_run_from_one_address_holds_no_seat(app, make_event):
    event = make_event(capacity=20)
    slug, event_id = event.slug, event.id
    bot_data = [guest_form(event, n, email=f"fake{n}@bots.example", name=f"Fake {n}")
                for n in range(300)]
    guest = app.test_client()
    stamp = page_stamp(guest, slug)
    db.session.commit()

    def bot(number: int) -> int:
        # Posts straight away, without loading the form: as the real attack did.
        return post(app.test_client(), slug, bot_data[number], address=BOT).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(bot, range(300)))
    elapsed = time.monotonic() - started
    assert elapsed < 60

    # The real guest took a few seconds over the form meanwhile.
    time.sleep(max(0.0, 3.2 - elapsed))
    response = post(guest, slug, guest_form(event, "real", form_issued=stamp))
    assert response.headers["Location"].endswith(f"/events/{slug}/registered")

    # Fifty held for a confirmation mail (the cap), the rest politely refused.
    assert statuses == {302: 50, 429: 250}
    assert by_status(event_id, "bots.example") == {RegistrationStatus.PENDING: 50}
    assert registration_of("guestreal@example.org").status == RegistrationStatus.CONFIRMED
    assert db.session.get(Event, event_id).confirmed_count == 1
    assert db.session.get(Event, event_id).refused_registrations == 250
    # No ticket went to a made-up address: only confirmation mails.
    kinds = Counter(db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.recipient.like("%@bots.example"))
    ))
    assert kinds == {"confirm_address": 50}


def test_a_patient_bot_gets_no_more_than_the_threshold(app, make_event):
    event = make_event(capacity=50)
    slug, event_id = event.slug, event.id
    stamp = aged_stamp()  # one form, loaded long enough ago, sent again and again
    client = app.test_client()
    statuses = Counter(
        post(client, slug, guest_form(event, n, email=f"fake{n}@bots.example",
                                      form_issued=stamp), address=BOT).status_code
        for n in range(100)
    )
    assert statuses == {302: 60, 429: 40}
    assert by_status(event_id, "bots.example") == {
        RegistrationStatus.CONFIRMED: 10, RegistrationStatus.PENDING: 50,
    }
    response = post(client, slug, guest_form(event, "real", form_issued=aged_stamp()))
    assert response.headers["Location"].endswith("/registered")
    assert db.session.get(Event, event_id).confirmed_count == 11


def test_forty_colleagues_behind_one_address_all_get_in(app, make_event):
    event = make_event(capacity=100)
    client = app.test_client()
    for n in range(40):
        response = post(client, event.slug, guest_form(event, n, form_issued=aged_stamp()),
                        address="192.0.2.1")
        expected = "/registered" if n < 10 else "/confirm-your-address"
        assert response.headers["Location"].endswith(expected), n
    assert by_status(event.id) == {
        RegistrationStatus.CONFIRMED: 10, RegistrationStatus.PENDING: 30,
    }
    # Every one of the thirty confirms through their mail and gets a seat.
    for registration in db.session.scalars(
        select(Registration).where(Registration.status == RegistrationStatus.PENDING)
    ).all():
        link = confirm_path(registration)
        assert client.post(link).status_code == 302
    assert by_status(event.id) == {RegistrationStatus.CONFIRMED: 40}
    assert db.session.get(Event, event.id).confirmed_count == 40


def confirm_path(registration: Registration) -> str:
    from eventdesk.registration.confirm_links import confirmation_token

    return f"/confirm/{confirmation_token(registration)}"


@pytest.fixture
def mailing(app_config, smtp):
    app_config["SMTP_URL"] = smtp.url
    return smtp


def test_confirmation_by_mail_end_to_end(mailing, app, client, make_event):
    smtp = mailing
    event = make_event(capacity=3, confirm_address_always=True)
    response = post(client, event.slug, guest_form(event, 1, form_issued=aged_stamp()))
    assert response.headers["Location"].endswith(f"/events/{event.slug}/confirm-your-address")
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "no seat is reserved for you yet" in page.get_data(as_text=True)
    registration = registration_of("guest1@example.org")
    assert registration.status == RegistrationStatus.PENDING
    assert registration.ticket_code is None and event.confirmed_count == 0

    deliver(app)
    assert len(smtp.received) == 1
    message = smtp.received[0].message
    assert message["Subject"] == f"Confirm your registration for {event.title_en}"
    assert "image/png" not in parts_by_type(message)  # no ticket, no QR
    assert "text/calendar" not in parts_by_type(message)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "No seat is reserved yet" in text and "/r/" not in text
    link = re.search(r"http://eventdesk\.test(/confirm/[A-Za-z0-9_.\-]+)", text).group(1)

    # Opening the link (as a mail scanner would) changes nothing; the button does.
    assert client.get(link).status_code == 200
    assert registration_of("guest1@example.org").status == RegistrationStatus.PENDING
    response = client.post(link)
    assert response.status_code == 302
    registration = registration_of("guest1@example.org")
    assert response.headers["Location"].endswith(f"/r/{registration.manage_token}")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert db.session.get(Event, event.id).confirmed_count == 1

    deliver(app)
    assert len(smtp.received) == 2
    ticket = smtp.received[1].message
    assert ticket["Subject"] == f"Your ticket for {event.title_en}"
    png = parts_by_type(ticket)["image/png"][0].get_content()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [result.text for result in decoded] == [registration.ticket_code]

    # A second click is harmless: no second seat, no second mail.
    again = client.post(link)
    assert again.headers["Location"].endswith(f"/r/{registration.manage_token}")
    db.session.expire_all()
    assert db.session.get(Event, event.id).confirmed_count == 1
    deliver(app)
    assert len(smtp.received) == 2


def test_the_page_and_mail_speak_dutch(app, client, make_event):
    event = make_event(confirm_address_always=True)
    response = post(client, event.slug, guest_form(event, 2, form_issued=aged_stamp()),
                    language="nl")
    html = client.get(response.headers["Location"], headers={"Accept-Language": "nl"})
    assert "Bevestig je e-mailadres" in html.get_data(as_text=True)
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "confirm_address"))
    assert mail.subject == f"Bevestig je aanmelding voor {event.title_nl}"
    assert "Er is nog geen plaats gereserveerd." in mail.draft["paragraphs"][0]


def test_confirming_into_a_full_event_joins_the_waiting_list(app, client, make_event, now):
    event = make_event(capacity=1, confirm_address_always=True)
    post(client, event.slug, guest_form(event, 1, form_issued=aged_stamp()))
    service.register(event, name="Direct", email="direct@example.org", now=now)
    db.session.commit()
    client.post(confirm_path(registration_of("guest1@example.org")))
    assert registration_of("guest1@example.org").status == RegistrationStatus.WAITLISTED
    assert db.session.get(Event, event.id).confirmed_count == 1


def test_expired_link_and_closed_registration(app, client, make_event, now):
    event = make_event(confirm_address_always=True)
    post(client, event.slug, guest_form(event, 1, form_issued=aged_stamp()))
    registration = registration_of("guest1@example.org")
    link = confirm_path(registration)
    event.registration_closed = True
    db.session.commit()
    response = client.post(link, headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "Registration for this event is closed." in response.get_data(as_text=True)
    assert registration_of("guest1@example.org").status == RegistrationStatus.PENDING

    registration.consented_at = now - timedelta(hours=49)
    db.session.commit()
    assert client.get(link).status_code == 410
    assert client.get("/confirm/not-a-token").status_code == 410
    run_chores()  # the worker's hourly chores forget it
    assert registration_of("guest1@example.org") is None


def test_chores_keep_recent_pending_registrations(app, client, make_event, now):
    event = make_event(confirm_address_always=True)
    post(client, event.slug, guest_form(event, 1, form_issued=aged_stamp()))
    run_chores()
    assert registration_of("guest1@example.org").status == RegistrationStatus.PENDING


def test_confirmation_mails_are_capped_per_address(app, app_config, make_event):
    app.config["REGISTRATION_CONFIRM_MAILS_PER_HOUR"] = 3
    first, second = make_event(confirm_address_always=True), make_event(confirm_address_always=True)
    client = app.test_client()
    for number, event in enumerate((first, second, first)):
        response = post(client, event.slug, guest_form(event, number, form_issued=aged_stamp()),
                        address=BOT)
        assert response.status_code == 302
    typed = guest_form(second, "stranger", organisation="Nobody Inc.", form_issued=aged_stamp())
    response = post(client, second.slug, typed, address=BOT)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "cannot take more registrations from your network" in html
    assert "Nobody Inc." in html  # what the guest typed is still there
    assert registration_of("gueststranger@example.org") is None
    assert db.session.get(Event, second.id).refused_registrations == 1
    mails = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert mails == 3
    # Another address is not affected.
    response = post(client, second.slug, typed, address=GUEST)
    assert response.headers["Location"].endswith("/confirm-your-address")


@pytest.mark.parametrize("case", ["honeypot", "too fast", "no stamp", "forged stamp"])
def test_form_traps_hold_the_registration_for_confirmation(app, client, make_event, case):
    event = make_event()
    data = guest_form(event, 1, form_issued=aged_stamp())
    if case == "honeypot":
        data["ref_code"] = "http://spam.example"
    elif case == "too fast":
        data["form_issued"] = screening.new_form_stamp(now=time.time() - 1.5)
    elif case == "no stamp":
        del data["form_issued"]
    else:
        data["form_issued"] = data["form_issued"][:-3] + "AAA"
    response = post(client, event.slug, data)
    # The same answer as for a busy address: nothing tells a bot which trap it hit.
    assert response.headers["Location"].endswith("/confirm-your-address")
    registration = registration_of("guest1@example.org")
    assert registration.status == RegistrationStatus.PENDING
    # An autofilling guest loses nothing they typed: it waits for their click.
    assert (registration.name, registration.organisation) == ("Guest 1", "Tata Steel")
    assert registration.answers == {str(event.questions[0].id): "yes"}
    assert db.session.get(Event, event.id).confirmed_count == 0


def test_a_human_pace_form_takes_a_seat_at_once(app, client, make_event):
    event = make_event()
    stamp = page_stamp(client, event.slug)
    time.sleep(3.1)
    response = post(client, event.slug, guest_form(event, 1, form_issued=stamp))
    assert response.headers["Location"].endswith("/registered")
    assert registration_of("guest1@example.org").status == RegistrationStatus.CONFIRMED


def test_the_form_carries_a_hidden_trap_and_keeps_its_stamp_after_errors(app, client, make_event):
    event = make_event()
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    trap = re.search(r'<div class="trap" aria-hidden="true">.*?</div>', html, re.S).group(0)
    assert 'name="ref_code"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    # Each page gets its own moment, although the blank fields are cached.
    first = page_stamp(client, event.slug)
    time.sleep(0.01)
    assert page_stamp(client, event.slug) != first
    stamp = aged_stamp()
    response = post(client, event.slug, guest_form(event, 1, name="", form_issued=stamp))
    assert response.status_code == 422
    assert f'value="{stamp}"' in response.get_data(as_text=True)


def test_always_confirm_mode_set_by_the_organiser(app, client, make_event):
    event = make_event()
    login(client, make_user(Role.ORGANISER, "org@example.org"))
    form = client.get(f"/organiser/events/{event.slug}/edit").get_data(as_text=True)
    assert 'name="confirm_address_always"' in form
    data = {
        "title_nl": event.title_nl, "title_en": event.title_en, "timezone": event.timezone,
        "starts_at": event.starts_at.astimezone(event.zone).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.ends_at.astimezone(event.zone).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "100", "slug": event.slug, "confirm_address_always": "y",
    }
    assert client.post(f"/organiser/events/{event.slug}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).confirm_address_always is True

    guest = app.test_client()
    response = post(guest, event.slug, guest_form(event, 1, form_issued=aged_stamp()))
    assert response.headers["Location"].endswith("/confirm-your-address")
    assert registration_of("guest1@example.org").status == RegistrationStatus.PENDING


def test_repeat_registration_neither_bypasses_nor_floods(app, client, make_event, now):
    event = make_event(confirm_address_always=True)
    for _ in range(5):
        response = post(client, event.slug, guest_form(event, 1, form_issued=aged_stamp()),
                        address=f"192.0.2.{_ + 10}")
        assert response.headers["Location"].endswith("/confirm-your-address")
    assert by_status(event.id) == {RegistrationStatus.PENDING: 1}
    mails = db.session.scalar(
        select(func.count()).where(OutboxMessage.kind == "confirm_address")
    )
    assert mails == 1  # once per ten minutes for one registration

    # A confirmed guest asked again under confirmation gets their ticket again, once.
    client.post(confirm_path(registration_of("guest1@example.org")))
    for _ in range(3):
        post(client, event.slug, guest_form(event, 1, form_issued=aged_stamp()))
    assert by_status(event.id) == {RegistrationStatus.CONFIRMED: 1}
    assert db.session.scalar(
        select(func.count()).where(OutboxMessage.kind == "reminder")
    ) == 1
    assert db.session.get(Event, event.id).confirmed_count == 1


def test_a_cancelled_guest_held_again_is_refused_at_the_door(app, client, make_event, now):
    event = make_event(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=5))
    registration = service.register(event, name="Zoë", email="zoe@example.org", now=now)
    old_code = registration.registration.ticket_code
    service.cancel_registration(registration.registration, now=now)
    event.confirm_address_always = True
    db.session.commit()
    post(client, event.slug, guest_form(event, email="zoe@example.org", form_issued=aged_stamp()))
    held = registration_of("zoe@example.org")
    assert held.status == RegistrationStatus.PENDING
    assert db.session.get(Event, event.id).confirmed_count == 0

    door = Door(event_id=event.id, name="Hoofdingang")
    db.session.add(door)
    db.session.commit()
    result = checkin.check_in(event, old_code, door=door, nonce=None, now=now)
    assert (result.status, result.reason) == ("error", "unconfirmed")
    result = checkin.check_in_registration(event, held.id, door=door, nonce=None, now=now)
    assert (result.status, result.reason) == ("error", "unconfirmed")
    # Not an attendee: left out of the export.
    assert "zoe@example.org" not in "".join(export_chunks(event, dialect="csv"))


def test_dashboard_counts_pending_and_refused(app, client, make_event):
    event = make_event(confirm_address_always=True)
    app.config["REGISTRATION_CONFIRM_MAILS_PER_HOUR"] = 2
    for number in range(4):
        post(client, event.slug, guest_form(event, number, form_issued=aged_stamp()), address=BOT)
    login(client, make_user(Role.ORGANISER, "org@example.org"))
    for path in ("dashboard", "dashboard/live"):
        html = client.get(f"/organiser/events/{event.slug}/{path}",
                          headers={"Accept-Language": "en"}).get_data(as_text=True)
        pending = re.search(r'data-figure="pending"[^>]*><b>(\d+)</b>', html).group(1)
        refused = re.search(r'data-figure="refused"[^>]*><b>(\d+)</b>', html).group(1)
        assert (pending, refused) == ("2", "2")


def test_a_walk_in_replaces_an_unconfirmed_registration(app, client, make_event, now):
    from eventdesk.checkin.walkin import walk_in

    event = make_event(confirm_address_always=True, starts_at=now + timedelta(hours=1),
                       ends_at=now + timedelta(hours=5))
    post(client, event.slug, guest_form(event, email="zoe@example.org", form_issued=aged_stamp()))
    door = Door(event_id=event.id, name="Hoofdingang")
    db.session.add(door)
    db.session.commit()

    result = walk_in(event, name="Zoë de Vries", email="zoe@example.org", door=door,
                     nonce=None, now=now)
    db.session.commit()
    assert result.ok
    guest = registration_of("zoe@example.org")
    assert guest.status == RegistrationStatus.CONFIRMED and guest.checked_in_at is not None
    assert by_status(event.id) == {RegistrationStatus.CONFIRMED: 1}
    assert db.session.scalar(select(func.count()).where(
        OutboxMessage.kind == "confirm_address")) == 0
    # A confirmed guest is still refused as a second walk-in.
    again = walk_in(event, name="Zoë", email="zoe@example.org", door=door, nonce=None, now=now)
    assert (again.status, again.reason) == ("error", "already_registered")
