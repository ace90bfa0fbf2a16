"""Login with database-backed rate limiting, logout, password change."""

from backoffice import PASSWORD, csrf_token, login, make_user
from sqlalchemy import select

from eventdesk import create_app
from eventdesk.auth.models import LoginThrottle, Role, User
from eventdesk.db import db


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


def test_failed_logins_are_limited_per_address_across_app_servers(app, app_config):
    """Two app instances on one database share the counter: no in-memory limiter."""
    email = make_user(Role.ADMIN, "admin@example.org").email
    # End the test's own read transaction: SQLite would hold its lock otherwise.
    db.session.rollback()
    other_server = create_app(app_config)
    clients = [app.test_client(), other_server.test_client()]
    for attempt in range(5):
        response = clients[attempt % 2].post(
            "/login", data={"email": email, "password": "wrong"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"},
        )
        assert response.status_code == 422
    db.session.expire_all()
    row = db.session.get(LoginThrottle, "email:admin@example.org")
    assert row.failures == 5
    db.session.rollback()
    # Even the right password is refused now, from either server.
    for client in clients:
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 429
        assert client.get("/organiser/").status_code == 302
    with other_server.app_context():
        db.engine.dispose()


def test_failed_logins_are_limited_per_client_ip(app, app_config):
    app.config["LOGIN_LIMITS"] = {"email": 100, "ip": 3}
    make_user(Role.ADMIN, "admin@example.org")
    client = app.test_client()
    for number in range(3):
        client.post("/login", data={"email": f"guess{number}@example.org", "password": "x"})
    response = client.post("/login", data={"email": "admin@example.org", "password": PASSWORD})
    assert response.status_code == 429
    other = app.test_client()
    response = other.post(
        "/login", data={"email": "admin@example.org", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 302


def test_window_expiry_lets_the_account_in_again(app, client):
    app.config["LOGIN_WINDOW_SECONDS"] = 0
    user = make_user(Role.ADMIN, "admin@example.org")
    for _attempt in range(6):
        login(client, user, "wrong")
    assert login(client, user).status_code == 302


def test_success_clears_the_address_counter(app, client):
    user = make_user(Role.ADMIN, "admin@example.org")
    for _attempt in range(3):
        login(client, user, "wrong")
    assert login(client, user).status_code == 302
    assert db.session.scalar(select(LoginThrottle).where(LoginThrottle.key.like("email:%"))) is None


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
