"""Shortcuts from the events list, titles that name the event, no offer to send nothing."""

import re

from backoffice import login, make_user

from eventdesk.auth.models import Role
from eventdesk.db import db, utcnow
from eventdesk.invitations import service as invitations


def test_events_list_links_each_events_pages(client, make_event):
    event = make_event(title_nl="Open dag", title_en="Open day")
    login(client, make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event]))
    client.get("/language/en")
    html = client.get("/organiser/").get_data(as_text=True)
    for path in ("attendees", "dashboard", "checkin"):
        assert f'href="/organiser/events/{event.slug}/{path}"' in html or (
            f'href="/events/{event.slug}/{path}"' in html), path
    assert ">Open day</a>" in html


def test_event_pages_name_the_event_in_the_title(client, make_event):
    event = make_event(title_nl="Open dag", title_en="Open day")
    question = event.questions[0] if event.questions else None
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    client.get("/language/en")
    base = f"/organiser/events/{event.slug}"
    paths = ["/edit", "/attendees", "/dashboard", "/attendees/new", "/questions/new", "/doors"]
    if question is not None:
        paths.append(f"/questions/{question.id}")
    for path in paths:
        html = client.get(base + path).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "Open day" in title, (path, title)


def test_nothing_to_send_says_so(client, make_event):
    event = make_event(invitation_only=True)
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    client.get("/language/nl")
    url = f"/organiser/events/{event.slug}/invitations/"
    html = client.get(url).get_data(as_text=True)
    assert "Iedereen op de lijst is uitgenodigd" in html and "0 uitnodigingen" not in html
    assert re.search(r'<button type="submit" class="button" disabled>Iedereen', html)
    invitations.add_invitee(event, name="Bob", email="bob@example.org", now=utcnow())
    db.session.commit()
    assert "1 uitnodiging versturen" in client.get(url).get_data(as_text=True)
