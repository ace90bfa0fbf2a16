"""Login slowed (never locked) by shared counters, logout, password change."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from backoffice import PASSWORD, csrf_token, login, make_user
from limit_helpers import from_ip, let_time_pass

from eventdesk import create_app, ratelimit
from eventdesk.auth import throttle
from eventdesk.auth.models import Role, User
from eventdesk.db import db

# The login routes' clock, held still: the waits are counted from the first
# failure, and scrypt on a loaded machine can take longer per attempt than the
# first wait (15 s over 20 attempts). let_time_pass moves the counters instead.
FROZEN = datetime(2027, 1, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_login_clock(monkeypatch):
    monkeypatch.setattr("eventdesk.auth.routes.utcnow", lambda: FROZEN)


def test_organiser_logs_in_to_the_back_office_and_out(client, app):
    make_user(Role.ORGANISER, "org@example.org")
    response = client.post("/login", data={"email": " ORG@example.org ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organiser/")
    page = client.get("/organiser/").get_data(as_text=True)
    assert "Log out" in page or "Uitloggen" in page
    client.post("/logout")
    assert client.get("/organiser/").status_code == 302


def test_session_cookie_is_http_only_and_same_site(client, app):
    user = make_user(Role.ADMIN, "admin@example.org")
    cookie = login(client, user).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_secure_cookie_behind_https(app_config):
    app_config["BASE_URL"] = "https://events.example.org"
    assert create_app(app_config).config["SESSION_COOKIE_SECURE"] is True


def test_wrong_password_is_refused(client, app):
    user = make_user(Role.ADMIN, "admin@example.org")
    response = login(client, user, "not the password")
    assert response.status_code == 422
    assert client.get("/organiser/").status_code == 302


def test_failed_logins_slow_the_pair_across_app_servers_without_locking_the_owner(
    app, app_config
):
    """Two app instances on one database share the counters: no in-memory limiter."""
    email = make_user(Role.ADMIN, "admin@example.org").email
    # End the test's own read transaction: SQLite would hold its lock otherwise.
    db.session.rollback()
    other_server = create_app(app_config)
    clients = [app.test_client(), other_server.test_client()]
    for attempt in range(5):
        response = clients[attempt % 2].post(
            "/login", data={"email": email, "password": "wrong"}, **from_ip("203.0.113.9")
        )
        assert response.status_code == 422
    # Past the allowance, from either server, even the right password waits.
    for client in clients:
        response = client.post(
            "/login", data={"email": email, "password": PASSWORD}, **from_ip("203.0.113.9")
        )
        assert response.status_code == 429
        wait = int(response.headers["Retry-After"])
        assert 0 < wait <= 15  # 15 s after the first failure
        assert f"Wacht {wait} seconden" in response.get_data(as_text=True)
        assert client.get("/organiser/").status_code == 302
    # The owner, elsewhere, is not slowed by a stranger's failures.
    response = clients[1].post(
        "/login", data={"email": email, "password": PASSWORD}, **from_ip("198.51.100.7")
    )
    assert response.status_code == 302
    # And the stranger's address gets its next try once the wait is over.
    let_time_pass(15)
    response = clients[0].post(
        "/login", data={"email": email, "password": "still wrong"}, **from_ip("203.0.113.9")
    )
    assert response.status_code == 422
    assert clients[0].post(
        "/login", data={"email": email, "password": PASSWORD}, **from_ip("203.0.113.9")
    ).status_code == 429
    with other_server.app_context():
        db.engine.dispose()


def test_the_wait_doubles_and_hammering_does_not_lengthen_it(app):
    start = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    checks = throttle.login_checks("org@example.org", "203.0.113.9", now=start)
    for _attempt in range(5):
        throttle.admit(checks, now=start)
    waits = []
    moment = start
    for _attempt in range(4):
        with pytest.raises(throttle.Throttled) as refused:
            throttle.admit(checks, now=moment)
        waits.append(refused.value.retry_after)
        # Twenty refused tries in the meantime change nothing.
        for _hammer in range(20):
            with pytest.raises(throttle.Throttled):
                throttle.admit(checks, now=moment)
        moment += refused.value.wait
        throttle.admit(checks, now=moment)
    assert waits == [15, 30, 60, 120]
    assert throttle.LOGIN_PAIR.wait_before(30) > timedelta(hours=12)
    assert throttle.LOGIN_ACCOUNT.wait_before(400) > timedelta(days=1)


def test_one_address_guessing_many_accounts_is_slowed_but_not_a_known_owner(app):
    make_user(Role.ADMIN, "admin@example.org")
    client = app.test_client()
    shared = from_ip("192.0.2.50")  # a venue's or an office's one public address
    assert client.post(
        "/login", data={"email": "admin@example.org", "password": PASSWORD}, **shared
    ).status_code == 302
    client.post("/logout")
    for number in range(20):
        response = client.post(
            "/login", data={"email": f"guess{number}@example.org", "password": "x"}, **shared
        )
        assert response.status_code == 422
    response = client.post("/login", data={"email": "new@example.org", "password": "x"}, **shared)
    assert response.status_code == 429
    # Another address is not affected, nor is the admin at the address they use.
    assert app.test_client().post(
        "/login", data={"email": "new@example.org", "password": "x"}, **from_ip("192.0.2.51")
    ).status_code == 422
    assert client.post(
        "/login", data={"email": "admin@example.org", "password": PASSWORD}, **shared
    ).status_code == 302


def test_many_addresses_guessing_one_account_are_slowed_never_locked(app):
    make_user(Role.ORGANISER, "org@example.org")
    organiser = app.test_client()
    assert organiser.post(
        "/login", data={"email": "org@example.org", "password": PASSWORD}, **from_ip("198.51.100.7")
    ).status_code == 302
    organiser.post("/logout")
    attacker = app.test_client()
    for number in range(20):
        response = attacker.post(
            "/login", data={"email": "org@example.org", "password": f"guess {number}"},
            **from_ip(f"203.0.113.{number}"),
        )
        assert response.status_code == 422
    response = attacker.post(
        "/login", data={"email": "org@example.org", "password": "guess"}, **from_ip("203.0.113.99")
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) <= 300
    # The organiser at their own address is not slowed at all ...
    assert organiser.post(
        "/login", data={"email": "org@example.org", "password": PASSWORD}, **from_ip("198.51.100.7")
    ).status_code == 302
    # ... and from a new one waits, at most five minutes, but is never locked out.
    phone = app.test_client()
    assert phone.post(
        "/login", data={"email": "org@example.org", "password": PASSWORD}, **from_ip("192.0.2.80")
    ).status_code == 429
    let_time_pass(300)
    assert phone.post(
        "/login", data={"email": "org@example.org", "password": PASSWORD}, **from_ip("192.0.2.80")
    ).status_code == 302


def test_the_allowance_returns_after_a_day(app, client):
    user = make_user(Role.ADMIN, "admin@example.org")
    for _attempt in range(5):
        login(client, user, "wrong")
    assert login(client, user).status_code == 429
    let_time_pass(24 * 3600)
    assert login(client, user).status_code == 302


def test_success_forgets_the_pair_but_not_the_address(app, client):
    user = make_user(Role.ADMIN, "admin@example.org")
    for _attempt in range(4):
        login(client, user, "wrong")
    assert login(client, user).status_code == 302
    client.post("/logout")
    for _attempt in range(5):
        assert login(client, user, "wrong").status_code == 422
    assert login(client, user, "wrong").status_code == 429
    now = datetime.now(UTC)
    address = throttle.key("login-address", "127.0.0.1")
    # The first failures count for the address, the right password does not; after
    # it the address is one this account logs in from, and only the pair counts.
    assert ratelimit.count(address, window=timedelta(days=1), now=now) == 4


def test_parallel_wrong_passwords_get_only_the_allowance_checked(app, monkeypatch):
    """Counted first, judged after: twelve tries at once get five password checks."""
    make_user(Role.ORGANISER, "org@example.org")
    db.session.commit()  # end this thread's transaction: on SQLite it holds the lock
    checked = []
    real_check = User.check_password

    def counting_check(user, password):
        checked.append(password)
        return real_check(user, password)

    monkeypatch.setattr(User, "check_password", counting_check)
    start = threading.Barrier(12)

    def attempt(number: int) -> int:
        client = app.test_client()
        start.wait(timeout=30)
        return client.post(
            "/login", data={"email": "org@example.org", "password": f"guess {number}"},
            **from_ip("203.0.113.9"),
        ).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = sorted(pool.map(attempt, range(12)))
    assert statuses == [422] * 5 + [429] * 7
    assert len(checked) == 5


def test_password_change(client, app):
    user = make_user(Role.DOOR, "door@example.org")
    login(client, user)
    response = client.post("/account/password", data={
        "current": "wrong password", "new": "a new long password", "confirm": "a new long password",
    })
    assert response.status_code == 422
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": "short", "confirm": "short",
    })
    assert response.status_code == 422
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": "a new long password", "confirm": "a new long password",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("a new long password")
    client.post("/logout")
    assert login(client, user).status_code == 422
    assert login(client, user, "a new long password").status_code == 302


def test_password_change_ends_other_sessions(app, client):
    user = make_user(Role.ORGANISER, "org@example.org")
    other = app.test_client()
    login(client, user)
    login(other, user)
    assert other.get("/organiser/").status_code == 200
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": "a new long password", "confirm": "a new long password",
    })
    assert response.status_code == 302
    assert client.get("/organiser/").status_code == 200  # this session goes on
    assert other.get("/organiser/").status_code == 302  # the other one must log in again


def test_blocked_account_is_logged_out(app, client):
    user = make_user(Role.ORGANISER, "org@example.org")
    login(client, user)
    user.active = False
    db.session.commit()
    assert client.get("/organiser/").status_code == 302


def test_login_form_needs_csrf(app, app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    app = create_app(app_config)
    with app.app_context():
        user = make_user(Role.ADMIN, "admin@example.org")
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400
        token = csrf_token(client, "/login")
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302
        db.session.remove()
        db.engine.dispose()
