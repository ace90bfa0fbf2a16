"""``?next=`` leads only to a path on this site, on the language switch and after login."""

from urllib.parse import quote, urlsplit

import pytest
from backoffice import PASSWORD, make_user

from eventdesk.auth.models import Role
from eventdesk.redirects import safe_next

NASTY = [
    "/\t/evil.test",
    "/\n/evil.test",
    "/\r/evil.test",
    "/\r\nSet-Cookie: x=1",
    "\t//evil.test",
    "/\\evil.test",
    "/\\/evil.test",
    "\\\\evil.test",
    "//evil.test",
    "///evil.test",
    "//evil.test/%2F..",
    "//[evil.test",
    "http://[::1",
    "//evil]test",
    "https://evil.test",
    "http:evil.test",
    "https:/evil.test",
    "HTTPS://evil.test/x",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.test",
    "/\u3000/evil.test",  # ideographic space
    "/\u00a0/evil.test",  # no-break space
    "/\u2028/evil.test",  # line separator
    "/\u200b/evil.test",  # zero-width space
    "/\u0085/evil.test",  # next line
    "/ /evil.test",
    "/\x00/evil.test",
    "/\x7f/evil.test",
    "",
]
FINE = ["/", "/events/jubileum", "/events/jubileum?x=1&y=2#form", "/r/abc_DEF-123",
        "/%09/evil.test", "/events/zoë"]


@pytest.mark.parametrize("target", NASTY)
def test_nasty_targets_fall_back(target):
    assert safe_next(target) == "/"
    assert safe_next(target, "/organiser/") == "/organiser/"


@pytest.mark.parametrize("target", FINE)
def test_paths_on_this_site_are_kept(target):
    assert safe_next(target) == target


def test_no_target_falls_back():
    assert safe_next(None, "/organiser/") == "/organiser/"


def _same_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        not parts.scheme and not parts.netloc and location.startswith("/")
        and not location.startswith("//") and "\\" not in location
        and not any(char.isspace() for char in location)
    )


def _checked(response, fallback: str) -> None:
    # Never a 500 and never off-site: either the fallback, or refused outright.
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 302:
        location = response.headers["Location"]
        assert _same_site(location), location
        assert location == fallback, location


@pytest.mark.parametrize("target", NASTY)
def test_language_switch_never_leaves_the_site(client, target):
    _checked(client.get("/language/en", query_string={"next": target}), "/")


def test_the_reported_targets(client):
    for query in ("next=/%09/evil.test", "next=/%0A/evil.test", "next=/%0D/evil.test",
                  "next=/%0D%0ALocation:%20//evil.test", "next=%2F%5Cevil.test"):
        _checked(client.get(f"/language/en?{query}"), "/")


@pytest.mark.parametrize("target", NASTY)
def test_login_never_leaves_the_site(app, client, target):
    user = make_user(Role.ORGANISER, "org@example.org")
    response = client.post("/login?next=" + quote(target, safe=""),
                           data={"email": user.email, "password": PASSWORD})
    _checked(response, "/organiser/")


def test_a_path_on_this_site_is_followed(app, client):
    assert client.get("/language/en?next=/privacy%3Fx%3D1").headers["Location"] == "/privacy?x=1"
    user = make_user(Role.ORGANISER, "org@example.org")
    response = client.post("/login?next=/organiser/events/new",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/organiser/events/new"
