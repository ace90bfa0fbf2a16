"""The attendee list, a registration's detail, and the organiser's actions."""

import re
from datetime import timedelta

import pytest
from backoffice import add_guest, login, make_user
from sqlalchemy import select

from eventdesk.auth.models import Role
from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration.models import Registration, RegistrationStatus

# The confirmation page's answer: irreversible actions ask first.
YES = {"confirmed": "yes"}


@pytest.fixture
def event(app, client, make_event):
    event = make_event(capacity=3)
    login(client, make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event]))
    return event


def names(client, url) -> list[str]:
    html = client.get(url).get_data(as_text=True)
    return re.findall(r'/attendees/\d+">([^<]+)</a>', html)


def test_search_filter_sort_and_pages(app, client, event):
    start = utcnow() - timedelta(days=1)
    for number, (name, organisation) in enumerate(
        [("Zoë de Vries", "Tata Steel"), ("Anne Bakker", "Nova College"), ("Bram 100%_Jansen", "")]
    ):
        add_guest(event, name, f"guest{number}@example.org", organisation=organisation,
                  created_at=start + timedelta(minutes=number))
    waiting = add_guest(event, "Willem Wacht", "w@example.org",
                        status=RegistrationStatus.WAITLISTED)
    checked = db.session.scalar(select(Registration).where(Registration.name == "Anne Bakker"))
    checked.checked_in_at = utcnow()
    db.session.commit()
    base = f"/organiser/events/{event.slug}/attendees"

    everyone = ["Zoë de Vries", "Anne Bakker", "Bram 100%_Jansen", "Willem Wacht"]
    assert names(client, base) == everyone
    assert names(client, base + "?sort=name") == [
        "Anne Bakker", "Bram 100%_Jansen", "Willem Wacht", "Zoë de Vries"]
    assert names(client, base + "?sort=name&order=desc")[0] == "Zoë de Vries"
    assert names(client, base + "?q=NOVA") == ["Anne Bakker"]
    assert names(client, base + "?q=guest0@") == ["Zoë de Vries"]
    assert names(client, base + "?q=%25_") == ["Bram 100%_Jansen"]  # LIKE wildcards are literal
    assert names(client, base + "?q=" + checked.ticket_code.lower()) == ["Anne Bakker"]
    assert names(client, base + "?status=waitlisted") == [waiting.name]
    assert names(client, base + "?checked=yes") == ["Anne Bakker"]
    assert "Anne Bakker" not in names(client, base + "?checked=no")
    # Junk in the query string is ignored, not a 500.
    response = client.get(base + "?page=-3&sort=drop+table&status=nope&checked=1")
    assert response.status_code == 200
    assert len(names(client, base + "?page=999")) == 4


def test_pages(app, client, event):
    for number in range(55):
        add_guest(event, f"Guest {number:02d}", f"g{number}@example.org",
                  status=RegistrationStatus.WAITLISTED)
    base = f"/organiser/events/{event.slug}/attendees"
    assert len(names(client, base)) == 50
    assert names(client, base + "?page=2") == [f"Guest {n}" for n in range(50, 55)]


def test_detail_shows_answers_and_mails(app, client, event):
    question = event.questions[0]
    guest = add_guest(event, "Ada", "ada@example.org", answers={str(question.id): "yes"})
    page = client.get(f"/organiser/events/{event.slug}/attendees/{guest.id}").get_data(as_text=True)
    assert "Blijf je eten?" in page or "Staying for dinner?" in page
    assert guest.ticket_code in page
    response = client.post(f"/organiser/events/{event.slug}/attendees/{guest.id}/resend")
    assert response.status_code == 302
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == guest.id)
    ).all()
    assert len(mails) == 1
    page = client.get(f"/organiser/events/{event.slug}/attendees/{guest.id}").get_data(as_text=True)
    assert mails[0].subject in page


def test_cancel_promotes_the_waiting_list_and_promote_by_hand(app, client, event):
    guests = [add_guest(event, f"G{n}", f"g{n}@example.org") for n in range(3)]
    first, second = (
        add_guest(event, name, f"{name}@example.org", status=RegistrationStatus.WAITLISTED)
        for name in ("w1", "w2")
    )
    base = f"/organiser/events/{event.slug}/attendees"
    # Full: promoting by hand is refused with a message.
    client.post(f"{base}/{second.id}/promote")
    db.session.refresh(second)
    assert second.status == RegistrationStatus.WAITLISTED
    client.post(f"{base}/{guests[0].id}/cancel", data=YES)
    db.session.expire_all()
    assert guests[0].status == RegistrationStatus.CANCELLED
    assert first.status == RegistrationStatus.CONFIRMED
    assert event.confirmed_count == 3
    # Twice is harmless.
    assert client.post(f"{base}/{guests[0].id}/cancel", data=YES).status_code == 302
    client.post(f"{base}/{guests[1].id}/cancel", data=YES)
    db.session.expire_all()
    # The next in line was promoted automatically; nobody is left to promote by hand.
    assert second.status == RegistrationStatus.CONFIRMED
    assert event.confirmed_count == 3


def test_promote_a_chosen_guest(app, client, make_event):
    event = make_event(capacity=1)
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    first = add_guest(event, "First", "f@example.org", status=RegistrationStatus.WAITLISTED)
    chosen = add_guest(event, "Chosen", "c@example.org", status=RegistrationStatus.WAITLISTED)
    client.post(f"/organiser/events/{event.slug}/attendees/{chosen.id}/promote")
    db.session.expire_all()
    assert chosen.status == RegistrationStatus.CONFIRMED and chosen.ticket_code
    assert first.status == RegistrationStatus.WAITLISTED
    assert event.confirmed_count == 1


def test_add_by_hand_even_when_closed(app, client, event):
    event.registration_closed = True
    db.session.commit()
    url = f"/organiser/events/{event.slug}/attendees/new"
    data = {"name": "Hand Made", "email": "Hand@Example.org", "organisation": "", "language": "en"}
    assert client.post(url, data=dict(data, email="not an address")).status_code == 422
    assert client.post(url, data=data).status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.name == "Hand Made"))
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email_normalized == "hand@example.org"
    response = client.post(url, data=data)
    assert response.headers["Location"].endswith(f"/attendees/{registration.id}")
    assert db.session.scalar(select(db.func.count()).select_from(Registration)) == 1
