"""Every route, with every method, answers junk without a 500.

Generated from the URL map, so a new route is covered the day it is added:
real and forged path values, then form and JSON bodies that are empty, huge,
binary or full of markup, as an anonymous visitor and as an admin.
"""

import pytest
from backoffice import add_guest, login, make_user
from werkzeug.routing import IntegerConverter

from eventdesk.auth.models import Role
from eventdesk.db import db

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
JUNK = "<script>alert(1)</script>\u202e\ufeff=HYPERLINK(\"x\")\x00" + "Z" * 10_000
FORMS = [
    {},
    {"name": JUNK, "email": JUNK, "code": JUNK, "q": JUNK, "password": JUNK, "title_nl": JUNK},
    {"email": "a@b@c", "capacity": "-1e999", "starts_at": "2027-02-30T25:61", "days": "-1"},
]


@pytest.fixture
def world(app, make_event):
    """An event with one guest, and an admin."""
    event = make_event()
    registration = add_guest(event, "Ada", "ada@example.org")
    db.session.commit()
    return {
        "slug": event.slug,
        "registration": registration.id,
        "token": registration.manage_token,
        "admin": make_user(Role.ADMIN, "admin@example.org"),
    }


def path_values(rule, world) -> list[dict]:
    """Real values for the rule's arguments, and forged ones."""
    real, forged = {}, {}
    for argument, converter in rule._converters.items():
        is_int = isinstance(converter, IntegerConverter)
        if argument == "slug":
            real[argument] = world["slug"]
        elif is_int:
            real[argument] = world["registration"]
        elif argument == "token":
            real[argument] = world["token"]
        else:
            real[argument] = "x"
        forged[argument] = 2**62 if is_int else "A" * 3000
    return [real, forged] if rule.arguments else [real]


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - SKIPPED_METHODS):
            yield rule, method


@pytest.mark.parametrize("as_admin", [False, True], ids=["anonymous", "admin"])
def test_no_route_answers_junk_with_a_500(app, client, world, as_admin):
    failures = []
    for rule, method in routes(app):
        if as_admin:
            login(client, world["admin"])  # again: an earlier route may have logged out
        for values in path_values(rule, world):
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
            bodies = FORMS if method != "GET" else [{}]
            for body in bodies:
                response = client.open(url, method=method, data=body)
                response.get_data()  # run streamed bodies to the end
                if response.status_code >= 500:
                    failures.append(f"{method} {url[:80]} form {list(body)} -> 500")
                json_response = client.open(url, method=method, json={"code": JUNK, "nonce": [1]})
                json_response.get_data()
                if json_response.status_code >= 500:
                    failures.append(f"{method} {url[:80]} json -> 500")
            db.session.rollback()
    assert failures == []
