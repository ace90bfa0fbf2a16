"""Every route, with every method, answers junk without a 500 and without a change.

Generated from the URL map, so a new route is covered the day it is added:
real and forged path values, then query strings, form and JSON bodies full of
control characters, NUL, huge numbers, Unicode digits, deep nesting, overlong
text and redirect targets, as an anonymous visitor, as an admin and as a door
scanner with a bearer token. The junk that must be refused (a control
character anywhere, JSON nested too deeply) is also checked to leave every
table exactly as it was: a digest of all rows is compared per route.
"""

import hashlib
import re
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from backoffice import add_guest, login, make_user
from checkin_helpers import door_with_token
from flask import g
from sqlalchemy import select

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.invitations.service import add_invitee
from eventdesk.registration.models import Registration

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
JUNK = "<script>alert(1)</script>\u202e\ufeff=HYPERLINK(\"x\")" + "Z" * 3000
HUGE = "9" * 400
FIELDS = ("name", "email", "code", "q", "password", "title_nl", "venue", "timezone", "slug",
          "organisation", "pin", "door", "days", "capacity", "extra_guests", "registration",
          "companion_1_name", "companion_1_email", "next", "key", "payload", "role", "page")
REDIRECTS = ["//evil.test", "/%09/evil.test", "/\t/evil.test", "https://evil.test/",
             "\\\\evil.test", "javascript:alert(1)", "/\r\nLocation: https://evil.test"]

# Bodies a real client could send by mistake or an attacker on purpose; none may 500.
FORMS = [
    {},
    {field: JUNK for field in FIELDS},
    {"email": "a@b@c", "capacity": "-1e999", "starts_at": "2027-02-30T25:61", "days": "-1"},
    {field: HUGE for field in FIELDS},
    {field: "²" if number % 2 else "٣" for number, field in enumerate(FIELDS)},
    {"timezone": "Europe/" + "A" * 300, "title_nl": "T", "starts_at": "2027-01-01T10:00",
     "ends_at": "2027-01-01T12:00", "capacity": HUGE},
    {"next": REDIRECTS[0], "email": "x@example.org", "password": "wrong password"},
    {"description_nl": "x" * 20_001, "choices": "a|b\n" * 2000, "message": "m" * 5000},
]
JSONS = [
    {"code": JUNK, "nonce": [1]},
    {"registration": 10**400, "nonce": "n1"},
    {"registration": 2**63, "name": HUGE, "email": HUGE + "@example.org", "code": "²"},
    {"registration": 1.5e308, "override": "yes", "nonce": {"a": 1}},
]
# Refused before any view runs: 400, and nothing written.
REFUSED_FORMS = [
    {field: "ab\x00cd" for field in FIELDS},
    {"name": "\x1b[31mred", "title_nl": "\x08", "description_nl": "ok\x00"},
    {"q\x00": "1"},
]
REFUSED_JSONS = [
    {"code": "ABC\x00DEF", "nonce": "n2"},
    {"name": "Ada\x07", "email": "ada@example.org"},
    {"nonce": "n3", "code\x00": "x"},
]
NESTED_JSON = "[" * 100_000 + "]" * 100_000
MIDDLE_JSON = '{"code": ' + "[" * 50 + "]" * 50 + "}"
REFUSED_PATHS = ["\x00", "a\x00b", "\x1b", "x\ny"]
REFUSED_QUERIES = [{"q": "\x00"}, {"page": "1\x00"}, {"next": "/\r\nSet-Cookie: a=b"},
                   {"\x00": "1"}]
QUERIES = [{"page": "²"}, {"page": HUGE}, {"page": "-" + HUGE}, {"page": "٣"},
           {"q": JUNK, "sort": JUNK, "status": "²", "order": HUGE},
           *({"next": target} for target in REDIRECTS)]
PATH_VALUES = ["A" * 3000, "²", "..%2F..%2Fetc\u202e"]
INT_PATH_VALUES = [str(2**62), HUGE, "²", "-1"]


@pytest.fixture
def world(app, make_event, now):
    """An event with one guest, one invitee and a door, plus an admin."""
    event = make_event(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=5))
    registration = add_guest(event, "Ada", "ada@example.org")
    invitee = add_invitee(event, name="Ina", email="ina@example.org", organisation="",
                          language="nl", extra_guests=1, now=now)
    db.session.commit()
    door, token = door_with_token(event, "Hoofdingang", now)
    return {
        "slug": event.slug,
        "registration": registration.id,
        "manage": registration.manage_token,
        "invitation": invitee.token,
        "door": door.id,
        "bearer": token,
        "admin": make_user(Role.ADMIN, "admin@example.org"),
    }


_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _real_value(rule, name: str, world) -> str:
    if name == "slug":
        return world["slug"]
    if name == "token":
        return world["invitation"] if rule.rule.startswith("/i/") else world["manage"]
    if name == "door_id":
        return str(world["door"])
    if name.endswith("_id") or name == "index":
        return str(world["registration"])
    return "x"


def url_for_rule(rule, world, forged: dict | None = None) -> str:
    """Fill the rule's path by hand, so forged values skip the converters' own checks."""
    forged = forged or {}

    def fill(match):
        name = match.group(2)
        value = forged.get(name) or _real_value(rule, name, world)
        return quote(value, safe="")

    return _ARGUMENT.sub(fill, rule.rule)


def path_variants(rule, world) -> list[dict]:
    """Real values, then each argument forged in turn."""
    variants: list[dict] = [{}]
    for name, converter in rule._converters.items():
        is_int = type(converter).__name__.endswith("IntegerConverter")
        for value in INT_PATH_VALUES if is_int else PATH_VALUES:
            variants.append({name: value})
    return variants


def routes(app, who: str = "admin"):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if who == "scanner" and not rule.rule.startswith(("/api/", "/events/", "/door/")):
            continue  # a bearer token opens the door's routes only
        for method in sorted(rule.methods - SKIPPED_METHODS):
            yield rule, method


def digest() -> str:
    """Return a digest of every row of every table."""
    hasher = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        hasher.update(f"{table.name}:{rows!r}".encode())
    db.session.rollback()
    return hasher.hexdigest()


def _open(client, url, method, who, world, **kwargs):
    headers = {"Authorization": f"Bearer {world['bearer']}"} if who == "scanner" else {}
    response = client.open(url, method=method, headers=headers, **kwargs)
    response.get_data()  # run streamed bodies to the end
    return response


def _off_site(response) -> bool:
    location = response.headers.get("Location", "")
    parts = urlsplit(location)
    return bool(parts.netloc) and parts.netloc not in ("localhost", "eventdesk.test")


@pytest.mark.parametrize("who", ["anonymous", "admin", "scanner"])
def test_no_route_answers_junk_with_a_500(app, client, world, who):
    failures = []
    for rule, method in routes(app, who):
        if who == "admin":
            login(client, world["admin"])  # again: an earlier route may have logged out
        for forged in path_variants(rule, world):
            url = url_for_rule(rule, world, forged)
            queries = QUERIES if method == "GET" and not forged else [{}]
            attempts = [{"query_string": query} for query in queries]
            if method != "GET":
                bodies = FORMS if not forged else FORMS[:2]
                attempts += [{"data": body} for body in bodies]
                attempts += [{"json": body} for body in (JSONS if not forged else JSONS[:1])]
            for attempt in attempts:
                response = _open(client, url, method, who, world, **attempt)
                if response.status_code >= 500:
                    failures.append(f"{method} {url[:80]} {str(attempt)[:100]} -> 500")
                if _off_site(response):
                    failures.append(f"{method} {url[:80]} {str(attempt)[:100]} -> "
                                    f"{response.headers['Location']}")
            db.session.rollback()
    assert failures == []


@pytest.mark.parametrize("who", ["anonymous", "admin", "scanner"])
def test_refused_junk_is_a_400_and_changes_nothing(app, client, world, who):
    failures = []
    for rule, method in routes(app, who):
        if who == "admin":
            login(client, world["admin"])
        before = digest()
        attempts = [(url_for_rule(rule, world, {name: value}), {})
                    for name in rule.arguments for value in REFUSED_PATHS]
        url = url_for_rule(rule, world)
        attempts += [(url, {"query_string": query}) for query in REFUSED_QUERIES]
        if method != "GET":
            attempts += [(url, {"data": body}) for body in REFUSED_FORMS]
            attempts += [(url, {"json": body}) for body in REFUSED_JSONS]
            attempts += [(url, {"data": text, "content_type": "application/json"})
                         for text in (NESTED_JSON, MIDDLE_JSON)]
        for target, attempt in attempts:
            response = _open(client, target, method, who, world, **attempt)
            if response.status_code != 400:
                failures.append(f"{method} {target[:80]} {str(attempt)[:80]} -> "
                                f"{response.status_code}")
        if digest() != before:
            failures.append(f"{method} {rule.rule}: the database changed")
    assert failures == []


def test_the_refusal_is_explained_in_the_visitors_language(client, world):
    dutch = client.get(f"/events/{world['slug']}%00", headers={"Accept-Language": "nl"})
    assert dutch.status_code == 400
    assert "niet toegestaan" in dutch.get_data(as_text=True)
    # The guard answers before conftest's hook clears the language cached in
    # the test's shared ``g`` (in production every request has its own).
    g.pop("_flask_babel", None)
    english = client.get(f"/events/{world['slug']}?q=%00", headers={"Accept-Language": "en"})
    assert "not allowed" in english.get_data(as_text=True)
    api = client.post(f"/api/v1/events/{world['slug']}/checkins", json={"code": "A\x00"},
                      headers={"Authorization": f"Bearer {world['bearer']}"})
    assert api.status_code == 400 and api.get_json()["status"] == "error"
    deep = client.post(f"/api/v1/events/{world['slug']}/checkins", data=NESTED_JSON,
                       content_type="application/json",
                       headers={"Authorization": f"Bearer {world['bearer']}"})
    assert deep.status_code == 400 and "nested" in deep.get_json()["message"]


def test_a_scanners_enter_key_still_checks_in(client, world):
    registration = db.session.get(Registration, world["registration"])
    response = client.post(f"/api/v1/events/{world['slug']}/checkins",
                           json={"code": registration.ticket_code + "\r\n", "nonce": "enter"},
                           headers={"Authorization": f"Bearer {world['bearer']}"})
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
