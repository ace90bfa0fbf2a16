"""Organiser invitation pages and hostile input on the invitee's link."""

import csv
import io
import re
from datetime import timedelta

import pytest
from backoffice import login, make_user
from sqlalchemy import func, select

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.invitations import service
from eventdesk.invitations.models import Answer, Invitee
from eventdesk.registration.models import Registration, RegistrationStatus


@pytest.fixture
def organiser(client):
    user = make_user(Role.ORGANISER, "organiser@example.org")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, user)
    return user


def upload(client, event, data: bytes, name="list.csv"):
    return client.post(
        f"/organiser/events/{event.slug}/invitations/upload",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )


def hidden_data(html: str) -> str:
    return re.search(r'name="payload" type="hidden" value="([^"]+)"', html).group(1)


def invitee_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Invitee))


EXCEL = (
    "\ufeffNaam;E-mail;Organisatie;Taal;Extra gasten\r\n"
    "Jan Jansen;jan@staal.example;Staal BV;nl;1\r\n"
    "Mary Major;mary@port.example;Port Ltd;en;0\r\n"
).encode()

# The confirmation page's answer: irreversible actions ask first.
YES = {"confirmed": "yes"}


def test_upload_preview_then_confirm_imports_once(client, make_event, organiser):
    event = make_event()
    page = upload(client, event, EXCEL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-count="new">2<' in html
    assert invitee_count() == 0  # the preview imports nothing
    response = client.post(
        f"/organiser/events/{event.slug}/invitations/import", data={"payload": hidden_data(html)}
    )
    assert response.status_code == 302 and invitee_count() == 2
    # Confirming the same preview again, or uploading the list again, adds nobody.
    client.post(
        f"/organiser/events/{event.slug}/invitations/import", data={"payload": hidden_data(html)}
    )
    again = upload(client, event, EXCEL).get_data(as_text=True)
    assert 'data-count="known">2<' in again and 'name="payload"' not in again
    assert invitee_count() == 2


def test_problem_rows_block_the_import(client, make_event, organiser):
    event = make_event()
    data = EXCEL + b"=HYPERLINK(\"x\");not-an-address;;;\r\n;no-name@example.org;;;\r\n"
    html = upload(client, event, data).get_data(as_text=True)
    assert 'data-count="problems">2<' in html and 'name="payload"' not in html
    assert "not a valid email address" in html and "The name is missing" in html
    # The formula is shown as text, never as markup.
    assert "=HYPERLINK(&#34;x&#34;)" in html or "=HYPERLINK(&quot;x&quot;)" in html
    # A forged confirmation of that list imports nothing either.
    import base64

    response = client.post(
        f"/organiser/events/{event.slug}/invitations/import",
        data={"payload": base64.b64encode(data).decode()},
    )
    assert response.status_code == 302 and invitee_count() == 0
    response = client.post(
        f"/organiser/events/{event.slug}/invitations/import", data={"payload": "%%%not base64"}
    )
    assert response.status_code == 302 and invitee_count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "The file is empty"), (bytes(range(256)) * 4, "not a CSV file")],
    ids=["empty", "binary"],
)
def test_unreadable_upload_gets_a_clear_message(client, make_event, organiser, data, message):
    event = make_event()
    response = upload(client, event, data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert message in page.get_data(as_text=True)


def test_add_by_hand_refuses_a_second_invitation(client, make_event, organiser):
    event = make_event()
    url = f"/organiser/events/{event.slug}/invitations/add"
    form = {"name": "Piet", "email": "piet@example.org", "organisation": "School",
            "language": "nl", "extra_guests": "2"}
    assert client.post(url, data=form).status_code == 302
    response = client.post(url, data={**form, "email": "PIET@example.org"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "invited already" in response.get_data(as_text=True)
    response = client.post(url, data={**form, "email": "x@y.example", "extra_guests": "99"})
    assert response.status_code == 422
    assert invitee_count() == 1


def test_counts_by_organisation_and_csv_export(client, make_event, now, organiser):
    event = make_event()
    for number, (organisation, answer) in enumerate(
        [("Staal BV", Answer.YES), ("Staal BV", Answer.NO), ("School", Answer.NONE)]
    ):
        invitee = service.add_invitee(event, name=f"P{number}", email=f"p{number}@example.org",
                                      organisation=organisation, now=now)
        invitee.answer = answer
    db.session.commit()
    total, rows = service.tally(event)
    assert (total.invited, total.accepted, total.declined, total.silent) == (3, 1, 1, 1)
    assert [(r.organisation, r.invited, r.accepted, r.declined) for r in rows] == [
        ("Staal BV", 2, 1, 1), ("School", 1, 0, 0)]
    response = client.get(f"/organiser/events/{event.slug}/invitations/invitees.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert sorted(row["answer"] for row in rows) == ["no", "none", "yes"]


def test_other_events_organisers_and_door_staff_are_kept_out(client, make_event):
    event = make_event()
    other = make_event()
    make_user(Role.ORGANISER, "other@example.org", all_events=False, events=[other])
    make_user(Role.DOOR, "door@example.org")
    base = f"/organiser/events/{event.slug}/invitations/"
    assert client.get(base).status_code == 302  # to the login page
    for email in ("other@example.org", "door@example.org"):
        client.post("/login", data={"email": email, "password": "correct horse battery"})
        assert client.get(base).status_code == 403
        assert client.post(base + "send").status_code == 403
        client.post("/logout")


def test_forged_links_and_deadline_get_clear_answers(client, make_event, now):
    event = make_event()
    invitee = service.add_invitee(event, name="Ida", email="ida@example.org", language="en",
                                  extra_guests=1, now=now)
    db.session.commit()
    for path in ("/i/forged", "/i/" + "x" * 5000, "/i/forged/yes"):
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code in (404, 405)
    response = client.post("/i/forged/yes", data={"name": "X"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "invitation link is not valid" in response.get_data(as_text=True)

    question = event.questions[0]
    # More companions than allowed, by editing the form.
    response = client.post(f"/i/{invitee.token}/yes", data={
        "name": "Ida", f"q_{question.id}": "yes", "companion_1_name": "One",
        "companion_2_name": "Two",
    })
    assert response.status_code == 422
    assert "at most 1 guest" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0

    event.rsvp_closes_at = now - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/i/{invitee.token}")
    assert page.status_code == 200 and "data-closed" in page.get_data(as_text=True)
    for answer in ("yes", "no"):
        response = client.post(f"/i/{invitee.token}/{answer}",
                               data={"name": "Ida", f"q_{question.id}": "yes"})
        assert response.status_code == 409
        assert "closed" in response.get_data(as_text=True)
    db.session.refresh(invitee)
    assert invitee.answer == Answer.NONE


def test_invitation_only_event_refuses_the_public_but_not_the_invited(client, make_event, now):
    event = make_event(invitation_only=True)
    question = event.questions[0]
    public = {"name": "Pub", "email": "pub@example.org", "consent": "y",
              f"q_{question.id}": "yes"}
    response = client.post(f"/events/{event.slug}/register", data=public,
                           headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "by invitation only" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0

    invitee = service.add_invitee(event, name="Ina", email="ina@example.org", now=now)
    db.session.commit()
    assert client.post(f"/i/{invitee.token}/yes",
                       data={"name": "Ina", f"q_{question.id}": "yes"}).status_code == 302

    # With a public waiting list the public may wait, but takes no seat.
    event.invitation_waitlist = True
    db.session.commit()
    assert client.post(f"/events/{event.slug}/register", data=public).status_code == 302
    statuses = dict(db.session.execute(select(Registration.email, Registration.status)).all())
    assert statuses == {"ina@example.org": RegistrationStatus.CONFIRMED,
                        "pub@example.org": RegistrationStatus.WAITLISTED}


def test_settings_save_deadline_in_event_time(client, make_event, organiser):
    event = make_event(timezone="Europe/Amsterdam")
    response = client.post(f"/organiser/events/{event.slug}/invitations/settings", data={
        "invitation_only": "y", "rsvp_closes_at": "2027-01-05T12:00"})
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.invitation_only and not event.invitation_waitlist
    assert event.rsvp_closes_at.isoformat() == "2027-01-05T11:00:00+00:00"


def test_event_page_says_invitation_only(client, make_event):
    closed = make_event(invitation_only=True)
    page = client.get(f"/events/{closed.slug}").get_data(as_text=True)
    assert "data-invitation-only" in page and "/register" not in page
    waiting = make_event(invitation_only=True, invitation_waitlist=True)
    page = client.get(f"/events/{waiting.slug}").get_data(as_text=True)
    assert "data-invitation-only" in page and f"/events/{waiting.slug}/register" in page
    public = make_event()
    assert "data-invitation-only" not in client.get(f"/events/{public.slug}").get_data(as_text=True)


def test_example_list_reads_back_without_problems(client, make_event, organiser):
    event = make_event()
    example = client.get(f"/organiser/events/{event.slug}/invitations/example.csv")
    assert example.status_code == 200 and example.mimetype == "text/csv"
    html = upload(client, event, example.get_data()).get_data(as_text=True)
    assert 'data-count="new">2<' in html and 'data-count="problems">0<' in html


def test_invited_guests_answer_before_the_public_opening(client, make_event, now):
    event = make_event(registration_opens_at=now + timedelta(days=7))
    question = event.questions[0]
    invitee = service.add_invitee(event, name="Vera", email="vera@example.org", now=now)
    db.session.commit()
    public = {"name": "Pub", "email": "pub@example.org", "consent": "y",
              f"q_{question.id}": "yes"}
    assert client.post(f"/events/{event.slug}/register", data=public).status_code == 409
    assert client.post(f"/i/{invitee.token}/yes",
                       data={"name": "Vera", f"q_{question.id}": "yes"}).status_code == 302
    statuses = dict(db.session.execute(select(Registration.email, Registration.status)).all())
    assert statuses == {"vera@example.org": RegistrationStatus.CONFIRMED}


def test_remove_an_invitee_unless_they_said_yes(client, make_event, now, organiser):
    event = make_event()
    other = make_event()
    typo = service.add_invitee(event, name="Typo", email="tpyo@example.org", now=now)
    coming = service.add_invitee(event, name="Coming", email="coming@example.org", now=now)
    elsewhere = service.add_invitee(other, name="Else", email="else@example.org", now=now)
    db.session.commit()
    token = typo.token
    question = f"q_{event.questions[0].id}"
    assert client.post(f"/i/{coming.token}/yes", data={"name": "Coming", question: "yes"}
                       ).status_code == 302
    base = f"/organiser/events/{event.slug}/invitations"
    assert client.post(f"{base}/{typo.id}/remove", data=YES).status_code == 302
    assert client.post(f"{base}/{coming.id}/remove", data=YES).status_code == 302
    # Another event's invitee cannot be removed through this event's page.
    assert client.post(f"{base}/{elsewhere.id}/remove", data=YES).status_code == 404
    db.session.expire_all()
    emails = set(db.session.scalars(select(Invitee.email)))
    assert emails == {"coming@example.org", "else@example.org"}
    assert client.get(f"/i/{token}").status_code == 404
