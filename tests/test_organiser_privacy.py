"""Retention per event, a guest's data on request, and erasure."""

import json
from datetime import timedelta

import pytest
from backoffice import add_guest, login, make_user
from click.testing import CliRunner
from sqlalchemy import func, select

from eventdesk.auth.models import Role
from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage
from eventdesk.organiser import privacy
from eventdesk.organiser.commands import privacy_purge_command
from eventdesk.registration import notify
from eventdesk.registration.models import Registration, RegistrationStatus

# The confirmation page's answer: irreversible actions ask first.
YES = {"confirmed": "yes"}


@pytest.fixture
def admin(app, client):
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    client.get("/language/en")


def test_guest_data_download(client, admin, make_event):
    event = make_event()
    question = event.questions[0]
    guest = add_guest(event, "Zoë", "zoe@example.org", organisation="Tata Steel",
                      answers={str(question.id): "no"})
    notify.registration_confirmed(guest)
    db.session.commit()
    response = client.get(f"/organiser/events/{event.slug}/attendees/{guest.id}/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["name"] == "Zoë" and data["organisation"] == "Tata Steel"
    assert data["answers"] == {question.label("en"): "No"}
    assert len(data["mails"]) == 1 and data["mails"][0]["to"].endswith("zoe@example.org")


def test_erasure_needs_a_cancelled_registration_before_the_event(client, admin, make_event):
    event = make_event()
    guest = add_guest(event, "Zoë", "zoe@example.org", organisation="Tata Steel",
                      answers={str(event.questions[0].id): "yes"})
    notify.registration_confirmed(guest)
    db.session.commit()
    url = f"/organiser/events/{event.slug}/attendees/{guest.id}"
    client.post(url + "/erase", data=YES)
    db.session.refresh(guest)
    assert guest.name == "Zoë"
    client.post(url + "/cancel", data=YES)
    old_token = guest.manage_token
    client.post(url + "/erase", data=YES)
    db.session.expire_all()
    assert privacy.is_erased(guest)
    assert guest.name == "" and guest.organisation == "" and guest.answers == {}
    assert "zoe" not in guest.email and guest.manage_token != old_token
    assert guest.ticket_code is None
    count = select(func.count()).select_from(OutboxMessage)
    assert db.session.scalar(count.where(OutboxMessage.registration_id == guest.id)) == 0
    assert db.session.scalar(count.where(OutboxMessage.raw.contains(b"zoe@example.org"))) == 0
    assert guest.status == RegistrationStatus.CANCELLED
    assert client.get(url).status_code == 200


def test_retention_period_erases_after_the_event(app, client, admin, make_event):
    now = utcnow()
    past = make_event(starts_at=now - timedelta(days=40), ends_at=now - timedelta(days=39))
    recent = make_event(starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=2))
    kept = make_event(starts_at=now - timedelta(days=90), ends_at=now - timedelta(days=89))
    for event in (past, recent, kept):
        for number in range(3):
            add_guest(event, f"Guest {number}", f"g{number}@example.org")
    for event in (past, recent):
        response = client.post(f"/organiser/events/{event.slug}/retention", data={"days": "30"})
        assert response.status_code == 302
    assert client.post(f"/organiser/events/{kept.slug}/retention",
                       data={"days": "-4"}).status_code == 302
    assert privacy.retention_days(kept) is None
    assert privacy.retention_days(past) == 30

    result = CliRunner().invoke(privacy_purge_command, [])
    assert result.exit_code == 0, result.output
    assert "Erased 3" in result.output
    db.session.expire_all()

    def names(event):
        return sorted(db.session.scalars(
            select(Registration.name).where(Registration.event_id == event.id)))

    assert names(past) == ["", "", ""]
    assert names(recent) == ["Guest 0", "Guest 1", "Guest 2"]
    assert names(kept) == ["Guest 0", "Guest 1", "Guest 2"]
    # The counts survive erasure.
    assert past.confirmed_count == 3
    # A second run has nothing left to do.
    assert "Erased 0" in CliRunner().invoke(privacy_purge_command, []).output


def test_purge_works_in_batches(app, make_event, monkeypatch):
    monkeypatch.setattr(privacy, "PURGE_BATCH", 2)
    now = utcnow()
    event = make_event(starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=2))
    for number in range(5):
        add_guest(event, f"G{number}", f"g{number}@example.org")
    privacy.set_retention(event, 1)
    assert [privacy.purge_expired(now=now) for _ in range(4)] == [2, 2, 1, 0]
