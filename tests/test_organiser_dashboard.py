"""The dashboard: counts, charts from registrations and check-ins, the live fragment."""

import re
from datetime import UTC, datetime, timedelta

from backoffice import add_guest, login, make_user

from eventdesk.auth.models import Role
from eventdesk.db import db, utcnow
from eventdesk.organiser import dashboard
from eventdesk.registration.models import RegistrationStatus


def test_figures_and_charts(app, client, make_event):
    event = make_event(
        starts_at=datetime(2031, 1, 10, 15, tzinfo=UTC),
        ends_at=datetime(2031, 1, 10, 19, tzinfo=UTC),
    )
    day = datetime(2030, 12, 1, 12, tzinfo=UTC)
    guests = [
        add_guest(event, f"G{n}", f"g{n}@example.org", organisation="Tata Steel" if n % 2 else "",
                  created_at=day + timedelta(days=n // 2))
        for n in range(6)
    ]
    add_guest(event, "W", "w@example.org", status=RegistrationStatus.WAITLISTED, created_at=day)
    # Arrivals at 16:01, 16:05 and 16:31 Amsterdam time.
    for guest, minutes in zip(guests, (1, 5, 31), strict=False):
        guest.checked_in_at = datetime(2031, 1, 10, 15, minutes, tzinfo=UTC)
    db.session.commit()

    assert dashboard.status_counts(event) == {
        "confirmed": 6, "waitlisted": 1, "cancelled": 0, "pending": 0, "checked_in": 3}
    assert dashboard.arrivals(event) == [("16:00", 2), ("16:10", 0), ("16:20", 0), ("16:30", 1)]
    assert dashboard.registrations_over_time(event) == [("01-12", 3), ("02-12", 5), ("03-12", 7)]
    assert dashboard.by_organisation(event) == [("–", 4), ("Tata Steel", 3)]

    login(client, make_user(Role.ADMIN, "admin@example.org"))
    html = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    assert html.count('class="bar"') == 4
    assert "<polyline" in html
    assert "dashboard.js" not in html  # the event is weeks away: no live refresh
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([\d.]+)"', html)]
    assert heights[0] == 2 * heights[3] and heights[1] == 0


def test_live_during_the_event(app, client, make_event):
    now = utcnow()
    event = make_event(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2))
    guest = add_guest(event, "Ada", "ada@example.org")
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    html = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    assert "dashboard.js" in html and "data-live-url" in html
    fragment = client.get(f"/organiser/events/{event.slug}/dashboard/live")
    assert fragment.status_code == 200
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'class="bar"' not in fragment.get_data(as_text=True)
    guest.checked_in_at = utcnow()
    db.session.commit()
    fragment = client.get(f"/organiser/events/{event.slug}/dashboard/live").get_data(as_text=True)
    assert fragment.count('class="bar"') == 1


def test_empty_event(app, client, make_event):
    event = make_event()
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    response = client.get(f"/organiser/events/{event.slug}/dashboard")
    assert response.status_code == 200
    assert "<svg" not in response.get_data(as_text=True)
