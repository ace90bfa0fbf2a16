"""No dead ends for a guest: a failed form survives a reload and a language switch,
optional fields are optional to assistive technology, and errors are summarised."""

import re

from sqlalchemy import func, select

from eventdesk.db import db
from eventdesk.events.models import Question, QuestionKind
from eventdesk.registration.models import Registration


def _failed_post(client, event):
    return client.post(
        f"/events/{event.slug}/register",
        data={"name": "Zoë de Vries", "email": "not-an-address", "organisation": "Tata Steel"},
        headers={"Accept-Language": "nl"},
    )


def test_get_on_the_register_url_returns_to_the_form_with_the_typed_values(client, make_event):
    event = make_event()
    failed = _failed_post(client, event)
    assert failed.status_code == 422

    again = client.get(f"/events/{event.slug}/register")

    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/events/{event.slug}#register")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert 'value="Zoë de Vries"' in page and 'value="Tata Steel"' in page
    assert 'value="not-an-address"' in page
    # The errors come back too, in the summary that links to the field.
    assert 'href="#email"' in page
    # Once: the next visit shows a blank form.
    assert "Zoë de Vries" not in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_switching_language_after_a_failed_post_keeps_what_was_typed(client, make_event):
    event = make_event()
    _failed_post(client, event)

    switched = client.get(
        f"/language/en?next=/events/{event.slug}/register", follow_redirects=True
    )

    assert switched.status_code == 200
    page = switched.get_data(as_text=True)
    assert 'lang="en"' in page and 'value="Tata Steel"' in page
    assert page.count("<title>Error:") == 1


def test_a_registration_that_goes_through_leaves_no_typed_values(client, make_event):
    event = make_event()
    _failed_post(client, event)
    client.post(f"/events/{event.slug}/register", data={
        "name": "Zoë de Vries", "email": "zoe@example.org", "consent": "y",
        f"q_{event.questions[0].id}": "yes",
    })
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1

    assert "Zoë" not in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_optional_fields_are_not_marked_required(client, make_event):
    event = make_event(questions=[
        Question(position=1, kind=QuestionKind.TEXT, label_nl="Dieet", label_en="Diet"),
        Question(position=2, kind=QuestionKind.YES_NO, label_nl="Eten", label_en="Dinner",
                 required=True),
    ])
    failed = _failed_post(client, event).get_data(as_text=True)
    blank = client.get(f"/events/{event.slug}").get_data(as_text=True)

    for page in (failed, blank):
        assert 'required="None"' not in page and 'required="False"' not in page
        organisation = re.search(r"<input[^>]*name=\"organisation\"[^>]*>", page).group(0)
        assert "required" not in organisation
        name = re.search(r"<input[^>]*name=\"name\"[^>]*>", page).group(0)
        assert " required" in name


def test_the_error_summary_takes_focus_and_titles_say_error(client, make_event):
    event = make_event()
    page = _failed_post(client, event).get_data(as_text=True)

    assert re.search(r'id="form-errors"[^>]*data-focus-on-load', page)
    assert re.search(r"<title>Fout: ", page)
    assert "<title>Fout: " in client.get("/no-such-page").get_data(as_text=True) or \
        "<title>Error: " in client.get("/no-such-page").get_data(as_text=True)
