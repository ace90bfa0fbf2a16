"""Admins manage accounts: roles, event scope, blocking, passwords."""

import pytest
from backoffice import login, make_user
from sqlalchemy import select

from eventdesk.auth.models import Role, User
from eventdesk.db import db


@pytest.fixture
def admin(app, client):
    user = make_user(Role.ADMIN, "admin@example.org")
    login(client, user)
    client.get("/language/en")
    return user


def test_create_a_scoped_organiser_who_then_sees_only_that_event(app, client, admin, make_event):
    mine, other = make_event(), make_event()
    response = client.post("/organiser/accounts/new", data={
        "email": "Scoped@Example.org", "name": "Scoped", "role": "organiser",
        "events": [str(mine.id)], "password": "long enough password",
    })
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "scoped@example.org"))
    assert not user.all_events and user.events == [mine]

    organiser = app.test_client()
    login(organiser, user, "long enough password")
    assert organiser.get(f"/organiser/events/{mine.slug}/attendees").status_code == 200
    assert organiser.get(f"/organiser/events/{other.slug}/attendees").status_code == 403
    assert organiser.get("/organiser/accounts").status_code == 403


def test_bad_input_and_duplicates(client, admin):
    data = {"email": "admin@example.org", "role": "door", "all_events": "y",
            "password": "long enough password"}
    response = client.post("/organiser/accounts/new", data=data)
    assert response.status_code == 422 and "exists already" in response.get_data(as_text=True)
    assert client.post("/organiser/accounts/new",
                       data=dict(data, email="x@example.org", password="short")).status_code == 422
    assert client.post("/organiser/accounts/new",
                       data=dict(data, email="x@example.org", password="")).status_code == 422
    assert client.post("/organiser/accounts/new",
                       data=dict(data, email="x@example.org", role="root")).status_code == 422


def test_block_and_reset_password(app, client, admin):
    door = make_user(Role.DOOR, "door@example.org")
    response = client.post(f"/organiser/accounts/{door.id}", data={
        "name": "Door", "role": "door", "password": "a brand new password",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert not door.active  # the box was not ticked
    assert login(app.test_client(), door, "a brand new password").status_code == 422


def test_the_last_admin_cannot_demote_themselves(client, admin):
    response = client.post(f"/organiser/accounts/{admin.id}", data={
        "name": "Admin", "role": "organiser", "active": "y", "all_events": "y",
    })
    assert response.status_code == 422
    db.session.expire_all()
    assert admin.role == Role.ADMIN
