"""Organisers create, edit, publish, close, duplicate and cancel events."""

import pytest
from backoffice import add_guest, login, make_user
from sqlalchemy import select

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.events.models import Event, EventStatus, QuestionKind
from eventdesk.registration.models import RegistrationStatus

# The confirmation page's answer: irreversible actions ask first.
YES = {"confirmed": "yes"}

FORM = {
    "title_nl": "Nieuwjaarsborrel Één",
    "title_en": "New year drinks",
    "description_nl": "Proost!",
    "venue": "Techport Centre",
    "address": "Kanaalstraat 1, IJmuiden",
    "timezone": "Europe/Amsterdam",
    "starts_at": "2031-01-10T16:00",
    "ends_at": "2031-01-10T20:00",
    "capacity": "80",
    "organiser_email": "info@techport.example.org",
}


@pytest.fixture
def organiser(app, client):
    user = make_user(Role.ORGANISER, "org@example.org", all_events=False)
    login(client, user)
    client.get("/language/en")
    return user


def test_create_edit_and_publish_an_event(client, organiser):
    response = client.post("/organiser/events/new", data=FORM)
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.slug == "nieuwjaarsborrel-een"
    assert event.status == EventStatus.DRAFT
    # Entered in Amsterdam time (UTC+1 in January), stored in UTC.
    assert event.starts_at.isoformat() == "2031-01-10T15:00:00+00:00"
    # A chosen-events organiser may manage what they created.
    assert event in organiser.events
    assert "/events/nieuwjaarsborrel-een" not in client.get("/").get_data(as_text=True)

    form = client.get(f"/organiser/events/{event.slug}/edit").get_data(as_text=True)
    assert 'value="2031-01-10T16:00"' in form
    assert client.post(f"/organiser/events/{event.slug}/publish").status_code == 302
    db.session.refresh(event)
    assert event.status == EventStatus.PUBLISHED
    assert "/events/nieuwjaarsborrel-een" in client.get("/").get_data(as_text=True)

    changed = dict(FORM, capacity="", slug=event.slug)
    assert client.post(f"/organiser/events/{event.slug}/edit", data=changed).status_code == 302
    db.session.refresh(event)
    assert event.capacity is None

    client.post(f"/organiser/events/{event.slug}/unpublish")
    db.session.refresh(event)
    assert event.status == EventStatus.DRAFT


def test_bad_input_gives_form_errors_not_500(client, organiser, make_event):
    taken = make_event()
    bad = dict(FORM, ends_at="2031-01-10T15:00", timezone="Mars/Olympus", capacity="-1",
               slug="Not A Slug", starts_at="yesterday")
    response = client.post("/organiser/events/new", data=bad)
    assert response.status_code == 422
    response = client.post("/organiser/events/new", data=dict(FORM, slug=taken.slug))
    assert response.status_code == 422
    assert "already uses" in response.get_data(as_text=True)
    assert db.session.scalar(select(Event).where(Event.slug != taken.slug)) is None


def test_published_event_keeps_its_address(client, organiser, make_event):
    event = make_event()
    organiser.events.append(event)
    db.session.commit()
    response = client.post(f"/organiser/events/{event.slug}/edit", data=dict(FORM, slug="new-one"))
    assert response.status_code == 422
    db.session.refresh(event)
    assert event.slug.startswith("event-")


def test_raising_capacity_promotes_the_waiting_list(client, organiser, make_event):
    event = make_event(capacity=1)
    organiser.events.append(event)
    add_guest(event, "Ada", "ada@example.org")
    waiting = add_guest(event, "Bob", "bob@example.org", status=RegistrationStatus.WAITLISTED)
    response = client.post(
        f"/organiser/events/{event.slug}/edit", data=dict(FORM, capacity="2", slug=event.slug)
    )
    assert response.status_code == 302
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert waiting.ticket_code


def test_close_reopen_and_cancel(client, organiser, make_event):
    event = make_event()
    organiser.events.append(event)
    db.session.commit()
    client.post(f"/organiser/events/{event.slug}/registration", data={"closed": "1"})
    db.session.refresh(event)
    assert event.registration_closed
    client.post(f"/organiser/events/{event.slug}/registration", data={"closed": "0"})
    db.session.refresh(event)
    assert not event.registration_closed
    # Cancelling needs the slug typed as confirmation.
    client.post(f"/organiser/events/{event.slug}/cancel", data={"confirm": "oops"})
    db.session.refresh(event)
    assert event.status == EventStatus.PUBLISHED
    client.post(f"/organiser/events/{event.slug}/cancel", data={"confirm": event.slug})
    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED
    assert client.post(f"/organiser/events/{event.slug}/publish").status_code == 302
    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED


def test_duplicate_copies_questions_not_guests(client, organiser, make_event):
    event = make_event()
    organiser.events.append(event)
    add_guest(event, "Ada", "ada@example.org")
    response = client.post(f"/organiser/events/{event.slug}/duplicate")
    copy = db.session.scalar(select(Event).where(Event.slug == f"{event.slug}-copy"))
    assert response.headers["Location"].endswith(f"/organiser/events/{copy.slug}/edit")
    assert copy.status == EventStatus.DRAFT
    assert copy.confirmed_count == 0
    assert [q.label_nl for q in copy.questions] == [q.label_nl for q in event.questions]
    assert copy in organiser.events


def test_questions_editor(client, organiser, make_event):
    event = make_event()
    organiser.events.append(event)
    db.session.commit()
    base = f"/organiser/events/{event.slug}/questions"
    response = client.post(f"{base}/new", data={"kind": "choice", "label_nl": "Hoe kom je?",
                                                "choices": "Auto"})
    assert response.status_code == 422  # one choice is not a choice
    response = client.post(f"{base}/new", data={
        "kind": "choice", "label_nl": "Hoe kom je?", "label_en": "How will you travel?",
        "required": "y", "choices": "Met de auto | By car\nOp de fiets | By bike\n",
    })
    assert response.status_code == 302
    db.session.refresh(event)
    question = event.questions[-1]
    assert question.kind == QuestionKind.CHOICE and question.required
    assert [c["value"] for c in question.choices] == ["met-de-auto", "op-de-fiets"]

    # Renaming the English text keeps the stored value of each choice.
    response = client.post(f"{base}/{question.id}", data={
        "kind": "choice", "label_nl": "Hoe kom je?", "choices": "Met de auto | By car (parking)\n"
        "Op de fiets | By bicycle\nLopend | On foot",
    })
    db.session.refresh(question)
    assert [c["value"] for c in question.choices] == ["met-de-auto", "op-de-fiets", "lopend"]
    assert not question.required

    client.post(f"{base}/{question.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert event.questions[0].id == question.id
    client.post(f"{base}/{question.id}/delete", data=YES)
    db.session.expire_all()
    assert question.id not in [q.id for q in event.questions]
    # A question of another event is not reachable through this one.
    other = make_event()
    assert client.get(f"{base}/{other.questions[0].id}").status_code == 404


def test_guests_are_told_of_a_new_time_and_of_cancellation(client, organiser, make_event):
    from eventdesk.mail.models import OutboxMessage

    event = make_event()
    organiser.events.append(event)
    add_guest(event, "Ada", "ada@example.org")
    add_guest(event, "Bob", "bob@example.org", status=RegistrationStatus.WAITLISTED)

    def kinds():
        return sorted(db.session.scalars(select(OutboxMessage.kind)))

    # A change of description only is no news to guests.
    fields = dict(FORM, slug=event.slug, starts_at="2031-01-10T16:00")
    client.post(f"/organiser/events/{event.slug}/edit", data=fields)
    client.post(f"/organiser/events/{event.slug}/edit", data=dict(fields, description_nl="Nieuw"))
    assert kinds() == ["event_changed"]
    client.post(f"/organiser/events/{event.slug}/cancel", data={"confirm": event.slug})
    assert kinds() == ["event_cancelled", "event_cancelled", "event_changed"]
