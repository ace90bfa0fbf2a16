"""The guest journey through the test client: pages, form errors and hostile input."""

import email.policy
import re
from datetime import timedelta

import pytest
from flask import current_app
from mail_helpers import deliver
from sqlalchemy import func, select

from eventdesk.db import db
from eventdesk.events.models import EventStatus
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration.models import Registration, RegistrationStatus


def form(**overrides) -> dict:
    data = {
        "name": "Zoë de Vries",
        "email": "zoe@example.org",
        "organisation": "Tata Steel",
        "consent": "y",
    }
    data.update(overrides)
    return data


def registration_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def answered(event, value="yes") -> dict:
    return {f"q_{event.questions[0].id}": value}


def manage_link_from_outbox(address: str) -> str:
    db.session.commit()
    deliver(current_app)
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient.contains(address))
        .order_by(OutboxMessage.id.desc())
    ).first()
    parsed = email.message_from_bytes(message.raw, policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://eventdesk\.test(/r/[A-Za-z0-9_\-]+)", text).group(1)


def test_home_lists_published_upcoming_events_only(client, make_event, now):
    make_event(title_nl="Jubileum", title_en="Jubilee")
    make_event(title_nl="Concept", status=EventStatus.DRAFT)
    make_event(
        title_nl="Voorbij", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
    )

    page = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)

    assert "Jubileum" in page
    assert "Concept" not in page and "Voorbij" not in page


def test_event_page_shows_local_time_venue_and_seats(client, make_event, now):
    from datetime import UTC, datetime

    event = make_event(
        starts_at=datetime(2031, 1, 10, 15, 0, tzinfo=UTC),
        ends_at=datetime(2031, 1, 10, 19, 0, tzinfo=UTC),
        capacity=3,
    )
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "16:00–20:00" in page  # 15:00 UTC is 16:00 in Amsterdam in winter
    assert "Kanaalstraat 1" in page
    assert "3 seats left" in page
    assert "<strong>fine</strong>" in page


def test_event_page_fields_follow_the_language_and_keep_a_failed_attempt(client, make_event):
    # No questions: one form class serves both languages, so only the
    # language tells the kept fields apart.
    event = make_event(questions=[])
    page = f"/events/{event.slug}"
    # The blank fields are kept once rendered: each language keeps its own.
    for _ in range(2):
        english = client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
        dutch = client.get(page, headers={"Accept-Language": "nl"}).get_data(as_text=True)
        assert "We send your ticket to this address." in english
        assert "We sturen je ticket naar dit adres." in dutch
    refused = client.post(f"{page}/register", data=form(email="not-an-email", name="Ada Byron"),
                          headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'value="Ada Byron"' in refused and "Please enter a valid email address." in refused
    # Another visitor gets the blank fields; this one gets their attempt back once.
    other = client.application.test_client().get(page, headers={"Accept-Language": "en"})
    assert "Ada Byron" not in other.get_data(as_text=True)
    restored = client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'value="Ada Byron"' in restored
    again = client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Ada Byron" not in again and "Please enter a valid email address." not in again


def test_register_confirm_manage_and_cancel(client, make_event):
    event = make_event(capacity=1)
    response = client.post(f"/events/{event.slug}/register", data=form(**answered(event)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{event.slug}/registered")
    registration = db.session.scalar(select(Registration))
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.answers == {str(event.questions[0].id): "yes"}

    link = manage_link_from_outbox("zoe@example.org")
    assert client.get(link).status_code == 200
    assert client.post(f"{link}/cancel").status_code == 302
    db.session.expire_all()
    assert registration.status == RegistrationStatus.CANCELLED
    assert event.seats_left == 1


def test_repeat_registration_shows_the_same_neutral_page(client, make_event):
    event = make_event()
    first = client.post(f"/events/{event.slug}/register", data=form(**answered(event)))
    second = client.post(
        f"/events/{event.slug}/register", data=form(name="Mallory", **answered(event))
    )
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert registration_count() == 1


def test_manage_page_changes_details(client, make_event):
    event = make_event()
    client.post(f"/events/{event.slug}/register", data=form(**answered(event)))
    link = manage_link_from_outbox("zoe@example.org")
    response = client.post(
        link, data={"name": "Zoë Jansen", "organisation": "ROC Nova", **answered(event, "no")}
    )
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert (registration.name, registration.organisation) == ("Zoë Jansen", "ROC Nova")
    assert registration.answers == {str(event.questions[0].id): "no"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Please enter your name."),
        ({"name": "x" * 10_000}, "at most 200 characters"),
        ({"email": "not-an-email"}, "Please enter a valid email address."),
        ({"email": "a@b@example.org"}, "Please enter a valid email address."),
        ({"consent": ""}, "Please agree to the privacy notice"),
        ({"name": "Evil\r\nBcc: victim@example.org"}, "single line"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(client, make_event, overrides, message):
    event = make_event()
    response = client.post(
        f"/events/{event.slug}/register",
        data=form(**answered(event), **overrides),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert registration_count() == 0


def test_required_question_and_invalid_choice(client, make_event):
    event = make_event()
    response = client.post(
        f"/events/{event.slug}/register", data=form(), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422 and "Please answer this question." in response.get_data(
        as_text=True
    )
    response = client.post(f"/events/{event.slug}/register", data=form(**answered(event, "maybe")))
    assert response.status_code == 422
    assert registration_count() == 0


@pytest.mark.parametrize("name", ["Zoë", "Ümit Yılmaz", "王芳", "Ana 🎉", "O'Brien-Ñúñez"])
def test_unicode_names_are_kept(client, make_event, name):
    event = make_event()
    client.post(f"/events/{event.slug}/register", data=form(name=name, **answered(event)))
    assert db.session.scalar(select(Registration.name)) == name


def test_html_is_shown_as_text(client, make_event):
    event = make_event()
    hostile = "<script>alert(1)</script><b>x</b>"
    client.post(
        f"/events/{event.slug}/register",
        data=form(name=hostile, organisation=hostile, **answered(event)),
    )
    link = manage_link_from_outbox("zoe@example.org")
    page = client.get(link).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown_description_is_sanitised(client, make_event):
    event = make_event(
        description_en=(
            "Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        )
    )
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"registration_closed": True}, 409, "Registration for this event is closed."),
        ({"status": EventStatus.CANCELLED}, 409, "This event has been cancelled."),
        ({"status": EventStatus.DRAFT}, 404, "This page does not exist"),
    ],
)
def test_closed_cancelled_and_unpublished_events_refuse(client, make_event, fields, status, text):
    event = make_event(**fields)
    response = client.post(
        f"/events/{event.slug}/register",
        data=form(**answered(event)),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
    assert registration_count() == 0


def test_not_yet_open_event_says_when_it_opens(client, make_event, now):
    event = make_event(registration_opens_at=now + timedelta(days=1))
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Registration opens on" in page
    response = client.post(f"/events/{event.slug}/register", data=form(**answered(event)))
    assert response.status_code == 409 and registration_count() == 0


def test_unknown_event_and_tampered_manage_link_are_404_in_dutch(client, make_event):
    assert client.get("/events/nope", headers={"Accept-Language": "nl"}).status_code == 404
    assert client.post("/events/nope/register", data=form()).status_code == 404
    for link in ("/r/forged-token", "/r/" + "A" * 5000, "/r/forged/cancel"):
        assert client.get(link).status_code == 404


def test_full_event_offers_the_waiting_list(client, make_event):
    event = make_event(capacity=1)
    client.post(f"/events/{event.slug}/register", data=form(**answered(event)))
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Full: join the waiting list" in page
    client.post(
        f"/events/{event.slug}/register", data=form(email="second@example.org", **answered(event))
    )
    link = manage_link_from_outbox("second@example.org")
    page = client.get(link, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "waiting list, at place 1" in page


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_missing_or_forged_token_is_refused_clearly(self, client, make_event):
        event = make_event()
        for token in (None, "forged"):
            data = form(**answered(event))
            if token:
                data["csrf_token"] = token
            response = client.post(
                f"/events/{event.slug}/register", data=data, headers={"Accept-Language": "en"}
            )
            assert response.status_code == 400
            assert "This form has expired" in response.get_data(as_text=True)
        assert registration_count() == 0

    def test_valid_token_registers(self, client, make_event):
        event = make_event()
        page = client.get(f"/events/{event.slug}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            f"/events/{event.slug}/register", data=form(csrf_token=token, **answered(event))
        )
        assert response.status_code == 302 and registration_count() == 1


def test_language_switch_is_remembered_and_rejects_foreign_redirects(client, make_event):
    event = make_event()
    response = client.get(f"/language/en?next=/events/{event.slug}")
    assert response.headers["Location"] == f"/events/{event.slug}"
    assert 'lang="en"' in client.get(f"/events/{event.slug}").get_data(as_text=True)
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        assert client.get(f"/language/nl?next={target}").headers["Location"] == "/"
