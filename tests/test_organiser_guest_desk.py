"""From the attendee page: edit a guest's details, check a guest in or out, read the logs."""

from datetime import timedelta

import pytest
from backoffice import add_guest, login, make_user
from sqlalchemy import select

from eventdesk.auth.models import Role
from eventdesk.checkin.models import Door, Scan, ScanAction
from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration.models import RegistrationStatus


@pytest.fixture
def event(app, client, make_event):
    now = utcnow()
    event = make_event(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=4))
    login(client, make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event]))
    client.get("/language/nl")
    return event


def _mails(registration) -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.registration_id == registration.id)))


def test_edit_a_guest_and_the_ticket_follows_the_new_address(client, event):
    guest = add_guest(event, "Zoe de Vris", "zoe@exmaple.org")
    url = f"/organiser/events/{event.slug}/attendees/{guest.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Zoe de Vris"' in page and "Gast wijzigen" in page
    response = client.post(url, data={"name": " Zoë de Vries ", "email": " Zoe@Example.org",
                                       "organisation": "Tata Steel", "language": "en"})
    assert response.status_code == 302
    db.session.refresh(guest)
    assert (guest.name, guest.email, guest.email_normalized, guest.organisation,
            guest.language) == ("Zoë de Vries", "Zoe@Example.org", "zoe@example.org",
                                "Tata Steel", "en")
    assert "Zoe@Example.org" in _mails(guest)


def test_edit_refuses_an_address_in_use_and_bad_input(client, event):
    add_guest(event, "Anne", "anne@example.org")
    guest = add_guest(event, "Bram", "bram@example.org")
    url = f"/organiser/events/{event.slug}/attendees/{guest.id}/edit"
    taken = client.post(url, data={"name": "Bram", "email": "ANNE@example.org", "language": "nl"})
    assert taken.status_code == 422
    assert "Een andere aanmelding voor dit evenement gebruikt dit adres." in taken.get_data(
        as_text=True)
    bad = client.post(url, data={"name": "", "email": "not-an-address", "language": "xx"})
    assert bad.status_code == 422
    db.session.refresh(guest)
    assert (guest.name, guest.email) == ("Bram", "bram@example.org")


def test_check_in_and_out_from_the_attendee_page_is_logged(client, event):
    guest = add_guest(event, "Zoë", "zoe@example.org")
    base = f"/organiser/events/{event.slug}/attendees/{guest.id}"
    assert client.post(base + "/checkin").status_code == 302
    db.session.refresh(guest)
    assert guest.checked_in_at is not None
    door = db.session.get(Door, guest.checked_in_door_id)
    assert door.user_id is not None  # the organiser's own door, like the door page's
    again = client.post(base + "/checkin", follow_redirects=True).get_data(as_text=True)
    assert "Niet ingecheckt: Al ingecheckt." in again
    client.post(base + "/checkout")
    db.session.refresh(guest)
    assert guest.checked_in_at is None
    scans = db.session.scalars(select(Scan).where(Scan.registration_id == guest.id)
                               .order_by(Scan.id)).all()
    assert [(s.action, s.status) for s in scans] == [
        (ScanAction.CHECK_IN, "ok"), (ScanAction.CHECK_IN, "error"), (ScanAction.UNDO, "ok")]
    page = client.get(base).get_data(as_text=True)
    # Codes in words: no "check_in", "ok", "nl" or "sent" for the organiser to decode.
    assert "Check-in ongedaan gemaakt" in page and "Toegelaten" in page
    assert "<td>check_in</td>" not in page and "<td>ok</td>" not in page
    assert "<dd>Nederlands</dd>" in page


def test_a_waitlisted_guest_cannot_be_checked_in(client, event):
    guest = add_guest(event, "W", "w@example.org", status=RegistrationStatus.WAITLISTED)
    base = f"/organiser/events/{event.slug}/attendees/{guest.id}"
    page = client.post(base + "/checkin", follow_redirects=True).get_data(as_text=True)
    assert "Niet ingecheckt: Op de wachtlijst." in page
    db.session.refresh(guest)
    assert guest.checked_in_at is None
