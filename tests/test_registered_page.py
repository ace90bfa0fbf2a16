"""The page after registering: plain words, the address mailed, calendar and ticket
links for the guest who just registered, and nothing about anyone else."""

from sqlalchemy import select

from eventdesk.db import db
from eventdesk.registration.models import Registration, RegistrationStatus


def _register(client, event, email="zoe@example.org", **extra):
    data = {"name": "Zoë de Vries", "email": email, "organisation": "Tata Steel",
            "consent": "y", f"q_{event.questions[0].id}": "yes", **extra}
    return client.post(f"/events/{event.slug}/register", data=data,
                       headers={"Accept-Language": "nl"}, follow_redirects=True)


def test_a_new_guest_sees_they_are_in_with_address_calendar_and_ticket(client, make_event):
    event = make_event(title_nl="Jubileum")
    page = _register(client, event).get_data(as_text=True)

    registration = db.session.scalars(select(Registration)).one()
    assert "<title>Je bent aangemeld · Jubileum</title>" in page
    assert "Je bent aangemeld, Zoë de Vries!" in page
    assert "zoe@example.org" in page
    assert f"/t/{registration.manage_token}/invite.ics" in page or ".ics" in page
    assert "calendar.google.com" in page and "outlook.office.com" in page
    assert f"/r/{registration.manage_token}" in page


def test_a_waiting_guest_sees_their_position(client, make_event):
    event = make_event(capacity=1)
    _register(client.application.test_client(), event, email="first@example.org")
    page = _register(client, event).get_data(as_text=True)

    assert "nummer 1 op de wachtlijst" in page
    assert "calendar.google.com" not in page


def test_a_repeated_registration_gets_the_neutral_page(client, make_event):
    event = make_event()
    _register(client.application.test_client(), event)
    page = _register(client, event).get_data(as_text=True)

    assert "Kijk in je mailbox" in page
    registration = db.session.scalars(select(Registration)).one()
    assert registration.manage_token not in page and "Tata Steel" not in page


def test_a_typo_in_the_address_is_undone_and_the_form_comes_back(client, make_event):
    event = make_event()
    _register(client, event, email="zoe@exmaple.org")

    back = client.post(f"/events/{event.slug}/registered/wrong-address", follow_redirects=True,
                       headers={"Accept-Language": "nl"})

    registration = db.session.scalars(select(Registration)).one()
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CANCELLED
    page = back.get_data(as_text=True)
    assert 'value="Zoë de Vries"' in page and 'value="Tata Steel"' in page
    assert "zoe@exmaple.org" in page  # named in the message, not kept in the field
    assert 'value="zoe@exmaple.org"' not in page
    # A browser that did not make the registration cannot undo one.
    other = client.application.test_client()
    _register(other, event, email="ada@example.org")
    client.post(f"/events/{event.slug}/registered/wrong-address")
    ada = db.session.scalars(
        select(Registration).where(Registration.email == "ada@example.org")).one()
    assert ada.status == RegistrationStatus.CONFIRMED
