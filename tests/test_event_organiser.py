"""Guests learn who organises an event and how long their details are kept."""

from eventdesk.db import db
from eventdesk.organiser.privacy import set_retention


def test_event_page_and_privacy_notice_name_the_organiser(client, make_event):
    event = make_event(organiser_name="Marieke Bakker", organiser_email="marieke@example.org")
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "nl"})
    text = page.get_data(as_text=True)
    assert "Marieke Bakker" in text and 'href="mailto:marieke@example.org"' in text
    assert f'href="/events/{event.slug}/privacy"' in text

    notice = client.get(f"/events/{event.slug}/privacy", headers={"Accept-Language": "en"})
    assert "Marieke Bakker" in notice.get_data(as_text=True)
    assert "erase them by hand" in notice.get_data(as_text=True)


def test_privacy_notice_follows_the_retention_setting(client, make_event):
    event = make_event()
    set_retention(event, 30)
    db.session.commit()

    notice = client.get(f"/events/{event.slug}/privacy", headers={"Accept-Language": "en"})

    assert "erased 30 days after the event" in notice.get_data(as_text=True)
