"""The manage page as a guest reads it: their name, a ticket code in groups, calendar
buttons in plain words, and one message once cancelled."""

import re

from sqlalchemy import select

from eventdesk.db import db
from eventdesk.registration import service
from eventdesk.registration.codes import clean_ticket_code
from eventdesk.registration.models import Registration


def _guest(event, now):
    service.register(event, name="Zoë de Vries", email="zoe@example.org", language="nl", now=now)
    db.session.commit()
    return db.session.scalars(select(Registration)).one()


def test_manage_page_names_the_guest_and_groups_the_code(client, make_event, now):
    registration = _guest(make_event(), now)
    page = client.get(f"/r/{registration.manage_token}",
                      headers={"Accept-Language": "nl"}).get_data(as_text=True)

    assert re.search(r'data-guest-name>Zoë de Vries<', page)
    shown = re.search(r'<p class="ticket-code"[^>]*>(.*?)</p>', page).group(1)
    groups = re.findall(r"<span>([A-Z0-9]+)</span>", shown)
    assert groups[0] == "ED1" and all(len(group) == 4 for group in groups[1:])
    assert clean_ticket_code(" ".join(groups)) == registration.ticket_code
    assert "Zet in je agenda" in page and "(.ics)" not in page


def test_cancelling_shows_one_message_with_a_way_back(client, make_event, now):
    registration = _guest(make_event(), now)
    page = client.post(f"/r/{registration.manage_token}/cancel", follow_redirects=True,
                       headers={"Accept-Language": "nl"}).get_data(as_text=True)

    assert page.count('class="flash') == 0
    assert page.count('data-status="cancelled"') == 1
    assert "Toch weer aanmelden?" in page


def test_manage_page_shows_the_short_code_the_door_accepts(client, make_event, now):
    registration = _guest(make_event(), now)
    page = client.get(f"/r/{registration.manage_token}",
                      headers={"Accept-Language": "nl"}).get_data(as_text=True)

    short = re.search(r'class="ticket-short-code">([A-Z2-7]{4}-[A-Z2-7]{4})<', page).group(1)
    assert registration.ticket_code.startswith("ED1" + short.replace("-", ""))
    assert "Korte code om bij de deur te typen:" in page
