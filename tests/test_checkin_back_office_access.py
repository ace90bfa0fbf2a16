"""The door's back office follows the one back-office rule: a deactivated organiser is refused.

An organiser logged in before their account was blocked gets the login page on
every door-management route, and no door of their own at the door page or the
check-in API (so no scan, search or walk-in either).
"""

from backoffice import login, make_user
from checkin_helpers import event_today
from sqlalchemy import func, select

from eventdesk.auth.models import Role
from eventdesk.checkin.models import Door
from eventdesk.db import db


def _door_back_office_urls(app, slug: str) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/organiser/events/<slug>/doors"):
            continue
        url = rule.rule.replace("<slug>", slug).replace("<int:door_id>", "1")
        found += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    assert len(found) >= 4, found
    return found


def _blocked_organiser(client, event):
    organiser = make_user(Role.ORGANISER, "org@example.org", all_events=False, events=[event])
    login(client, organiser)
    assert client.get(f"/organiser/events/{event.slug}/doors").status_code == 200
    organiser.active = False
    db.session.commit()
    return organiser


def test_a_deactivated_organiser_may_not_manage_the_doors(app, client, make_event, now):
    event = event_today(make_event, now)
    _blocked_organiser(client, event)
    for method, url in _door_back_office_urls(app, event.slug):
        response = client.open(url, method=method, data={"confirmed": "yes", "name": "Achter"})
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)
    assert db.session.scalar(select(func.count(Door.id))) == 0


def test_a_deactivated_organiser_gets_no_door_to_scan_at(app, client, make_event, now):
    event = event_today(make_event, now)
    _blocked_organiser(client, event)
    assert client.get(f"/events/{event.slug}/checkin").status_code == 401
    response = client.get(f"/api/v1/events/{event.slug}/checkins/search?q=a")
    assert response.status_code == 401
    response = client.post(f"/api/v1/events/{event.slug}/checkins", json={"code": "ED1X"})
    assert response.status_code == 401
    assert db.session.scalar(select(func.count(Door.id))) == 0
