"""Irreversible organiser actions ask first: a confirmation page, then the action."""

import pytest
from backoffice import PASSWORD, add_guest, login, make_user
from browser_helpers import log_in_in_dutch, watch_csp

from eventdesk.auth.models import Role
from eventdesk.checkin import doors
from eventdesk.db import db, utcnow
from eventdesk.events.models import Question, QuestionKind
from eventdesk.invitations import service as invitations
from eventdesk.registration.models import RegistrationStatus


@pytest.fixture
def event(app, client, make_event):
    event = make_event(questions=[Question(position=1, kind=QuestionKind.TEXT, label_nl="Dieet")])
    login(client, make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event]))
    return event


def _ask_then_do(client, url, *, data=None, subject=None):
    """Post once (the page asks, nothing happens), then post the page's own form."""
    asked = client.post(url, data=data or {})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert 'name="confirmed" value="yes"' in html and f'action="{url}"' in html
    if subject:
        assert subject in html
    for name, value in (data or {}).items():
        assert f'name="{name}" value="{value}"' in html
    return lambda: client.post(url, data={**(data or {}), "confirmed": "yes"})


def test_cancelling_a_guest_asks_first(client, event):
    guest = add_guest(event, "Zoë de Vries", "zoe@example.org")
    url = f"/organiser/events/{event.slug}/attendees/{guest.id}/cancel"
    confirm = _ask_then_do(client, url, subject="Zoë de Vries")
    db.session.refresh(guest)
    assert guest.status == RegistrationStatus.CONFIRMED
    assert confirm().status_code == 302
    db.session.refresh(guest)
    assert guest.status == RegistrationStatus.CANCELLED


def test_erasing_and_deleting_a_question_ask_first(client, event):
    guest = add_guest(event, "Anne Bakker", "anne@example.org",
                      status=RegistrationStatus.CANCELLED)
    confirm = _ask_then_do(
        client, f"/organiser/events/{event.slug}/attendees/{guest.id}/erase", subject="Anne")
    db.session.refresh(guest)
    assert guest.name == "Anne Bakker"
    confirm()
    db.session.refresh(guest)
    assert guest.name != "Anne Bakker"

    question = event.questions[0]
    confirm = _ask_then_do(
        client, f"/organiser/events/{event.slug}/questions/{question.id}/delete", subject="Dieet")
    db.session.refresh(event)
    assert len(event.questions) == 1
    confirm()
    db.session.expire_all()
    assert event.questions == []


def test_revoking_and_renewing_a_door_ask_first(client, event):
    door = doors.create_door(event, name="Hoofdingang", now=utcnow())
    doors.issue_token(door)
    db.session.commit()
    base = f"/organiser/events/{event.slug}/doors/{door.id}"
    confirm = _ask_then_do(client, base + "/renew", subject="Hoofdingang")
    confirm_revoke = _ask_then_do(client, base + "/revoke", subject="Hoofdingang")
    db.session.refresh(door)
    assert door.active
    assert confirm().status_code == 200
    confirm_revoke()
    db.session.refresh(door)
    assert not door.active


def test_invitation_mail_and_removal_ask_first(client, make_event):
    event = make_event(invitation_only=True)
    login(client, make_user(Role.ORGANISER, "inv@example.org", all_events=False, events=[event]))
    invitee = invitations.add_invitee(event, name="Bob", email="bob@example.org", now=utcnow())
    db.session.commit()
    base = f"/organiser/events/{event.slug}/invitations"
    confirm = _ask_then_do(client, base + "/send")
    db.session.refresh(invitee)
    assert invitee.invited_at is None
    confirm()
    db.session.refresh(invitee)
    assert invitee.invited_at is not None
    _ask_then_do(client, base + "/remind", data={"key": "round-1"})
    confirm = _ask_then_do(client, f"{base}/{invitee.id}/remove")
    assert db.session.get(type(invitee), invitee.id) is not None
    confirm()
    db.session.expire_all()
    assert db.session.get(type(invitee), invitee.id) is None


def test_the_question_is_not_asked_of_someone_without_access(client, make_event):
    mine = make_event()
    other = make_event()
    login(client, make_user(Role.ORGANISER, "own@example.org", all_events=False, events=[mine]))
    guest = add_guest(other, "Zoë", "zoe@example.org")
    url = f"/organiser/events/{other.slug}/attendees/{guest.id}/cancel"
    assert client.post(url).status_code == 403
    door = doors.create_door(other, name="Achter", now=utcnow())
    db.session.commit()
    response = client.post(f"/organiser/events/{other.slug}/doors/{door.id}/revoke")
    assert response.status_code == 403 and b"Achter" not in response.data


@pytest.mark.browser
def test_the_confirmation_page_in_a_browser(browser, live_server, app, make_event):
    event = make_event()
    make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event])
    guest = add_guest(event, "Zoë de Vries", "zoe@example.org")
    attendee = f"{live_server}/organiser/events/{event.slug}/attendees/{guest.id}"
    # Outside a request the test's session takes SQLite's write lock: let it go.
    db.session.rollback()
    context = browser.new_context(locale="nl-NL", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    csp = watch_csp(page)
    log_in_in_dutch(page, live_server, "org@example.org", PASSWORD)
    page.goto(attendee)

    page.get_by_role("button", name="Aanmelding annuleren").click()
    page.get_by_role("heading", name="Deze aanmelding annuleren?").wait_for()
    assert "Deze aanmelding annuleren?" in page.title()
    page.get_by_role("link", name="Nee, ga terug").click()
    page.get_by_role("heading", name="Zoë de Vries").wait_for()
    db.session.refresh(guest)
    assert guest.status == RegistrationStatus.CONFIRMED
    db.session.rollback()

    page.get_by_role("button", name="Aanmelding annuleren").click()
    page.get_by_role("button", name="Ja, annuleer de aanmelding").click()
    page.get_by_text("De aanmelding is geannuleerd.").wait_for()
    context.close()
    db.session.refresh(guest)
    assert guest.status == RegistrationStatus.CANCELLED
    assert csp == []
