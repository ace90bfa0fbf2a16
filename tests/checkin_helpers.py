"""Helpers shared by the check-in tests."""

from datetime import timedelta

from eventdesk.checkin import doors
from eventdesk.db import db
from eventdesk.registration.admission import Guest, admit
from eventdesk.registration.models import RegistrationStatus


def event_today(make_event, now, **fields):
    """Return a published event that starts in an hour, so the door is open."""
    values = {"starts_at": now + timedelta(hours=1), "ends_at": now + timedelta(hours=5)}
    values.update(fields)
    return make_event(**values)


def guest(event, email, now, *, name="Zoë de Vries", organisation=""):
    """Register a guest (confirmed while seats last, else waiting) and commit.

    Through the registration front door, but without the notify step, so
    these tests do not depend on the guest mails.
    """
    outcome = admit(event, Guest(name=name, email=email, organisation=organisation), now=now)
    db.session.commit()
    return outcome.registration


def cancel(registration, now):
    """Cancel a guest directly (status only) and commit."""
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    db.session.commit()


def door_with_token(event, name, now):
    """Create a door with a bearer token and commit; return (door, token)."""
    door = doors.create_door(event, name=name, now=now)
    token = doors.issue_token(door)
    db.session.commit()
    return door, token


def api(client, event, path="checkins", token=None, **body):
    """POST ``body`` as JSON to the event's check-in API, with a bearer ``token`` if given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/v1/events/{event.slug}/{path}", json=body, headers=headers)
