"""Every back-office route checks role and event, generated from the URL map."""

import pytest
from backoffice import add_guest, login, make_user
from werkzeug.routing import Rule

from eventdesk.auth.models import Role

BACK_OFFICE_PREFIXES = ("/organiser", "/account")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def back_office_rules(app) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(BACK_OFFICE_PREFIXES)]
    assert len(rules) >= 10, "the back office routes are not registered"
    return rules


@pytest.fixture
def world(app, make_event, now):
    """Two events, a guest of the first, and one account of every kind."""
    event_a = make_event()
    event_b = make_event()
    registration = add_guest(event_a, "Ada", "ada@example.org")
    return {
        "event_a": event_a,
        "registration": registration,
        "admin": make_user(Role.ADMIN, "admin@example.org"),
        "door": make_user(Role.DOOR, "door@example.org"),
        "organiser_b": make_user(
            Role.ORGANISER, "org-b@example.org", all_events=False, events=[event_b]
        ),
        "organiser_a": make_user(
            Role.ORGANISER, "org-a@example.org", all_events=False, events=[event_a]
        ),
    }


def build_url(app, rule: Rule, world) -> str:
    values = {}
    for argument in rule.arguments:
        if argument == "slug":
            values[argument] = world["event_a"].slug
        elif argument == "registration_id":
            values[argument] = world["registration"].id
        elif argument == "question_id":
            values[argument] = world["event_a"].questions[0].id
        else:
            converter = rule._converters[argument]
            values[argument] = 1 if "Integer" in type(converter).__name__ else "x"
    with app.test_request_context():
        return app.url_for(rule.endpoint, **values)


def requests_for(app, world):
    for rule in back_office_rules(app):
        url = build_url(app, rule, world)
        for method in sorted(rule.methods - SKIPPED_METHODS):
            yield rule, method, url


def test_anonymous_visitors_are_sent_to_login(app, client, world):
    for _rule, method, url in requests_for(app, world):
        response = client.open(url, method=method)
        assert response.status_code in (302, 401), (method, url, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], (method, url)


def test_door_staff_get_403_on_the_back_office(app, client, world):
    login(client, world["door"])
    for rule, method, url in requests_for(app, world):
        if rule.rule.startswith("/account"):
            continue  # their own password: every account may change it
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url, response.status_code)


def test_another_events_organiser_gets_403_on_this_event(app, client, world):
    login(client, world["organiser_b"])
    scoped = 0
    for rule, method, url in requests_for(app, world):
        if "slug" not in rule.arguments:
            continue
        scoped += 1
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url, response.status_code)
    assert scoped >= 8


def required_roles(app, rule: Rule):
    return getattr(app.view_functions[rule.endpoint], "required_roles", None)


def test_this_events_organiser_and_admin_are_let_in(app, world):
    admin_only = 0
    for account in ("organiser_a", "admin"):
        client = app.test_client()
        login(client, world[account])
        for rule, method, url in requests_for(app, world):
            if method != "GET":
                continue
            response = client.get(url)
            roles = required_roles(app, rule)
            if account == "organiser_a" and roles and Role.ORGANISER not in roles:
                admin_only += 1
                assert response.status_code == 403, (account, url, response.status_code)
            else:
                assert response.status_code in (200, 302), (account, url, response.status_code)
    assert admin_only >= 2


def test_admin_only_routes_refuse_organisers_of_all_events(app, client, world):
    login(client, make_user(Role.ORGANISER, "all@example.org"))
    checked = 0
    for rule, method, url in requests_for(app, world):
        roles = required_roles(app, rule)
        if roles and Role.ORGANISER not in roles:
            checked += 1
            assert client.open(url, method=method).status_code == 403, (method, url)
    assert checked >= 4


def test_organiser_of_chosen_events_sees_only_those(app, client, world):
    login(client, world["organiser_b"])
    page = client.get("/organiser/").get_data(as_text=True)
    assert world["event_a"].title_nl not in page
    login(client, world["admin"])
    assert world["event_a"].title_nl in client.get("/organiser/").get_data(as_text=True)


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True


def test_every_post_needs_a_csrf_token(csrf_on, app, client, world):
    # Log in by hand: the login form itself needs the token too.
    with client.session_transaction() as session:
        session["_user_id"] = world["admin"].get_id()
        session["_fresh"] = True
        session["lang"] = "en"
    posts = 0
    for _rule, method, url in requests_for(app, world):
        if method != "POST":
            continue
        posts += 1
        response = client.post(url, data={"confirm": world["event_a"].slug})
        assert response.status_code == 400, (url, response.status_code)
        assert "expired" in response.get_data(as_text=True)
    assert posts >= 8
