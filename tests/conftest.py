"""Shared fixtures: an app on a fresh database (SQLite file, or PostgreSQL when
``TEST_DATABASE_URL`` is set) and a factory for published events."""

import os
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from mail_helpers import SmtpServer
from sqlalchemy import text

from eventdesk import create_app
from eventdesk.db import db
from eventdesk.events.models import Event, EventStatus, Question, QuestionKind

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def database_url(tmp_path) -> str:
    """Return the URL of an empty database for one test."""
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'eventdesk.sqlite'}"


@pytest.fixture
def app_config(database_url) -> dict:
    """Return the configuration a test app is created with; tests may change it."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": "http://eventdesk.test",
        # Flask's test client asks for "localhost" and the browser tests' live
        # server listens on 127.0.0.1: both are extra names, as a site would list
        # them in EVENTDESK_TRUSTED_HOSTS; every other host is refused.
        "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
        "WTF_CSRF_ENABLED": False,
        "MAIL_FROM": "Techport <events@techport.example.org>",
        # Tests post the registration form without loading it first, and many
        # guests from one loopback address: the bot defences would hold them
        # all for confirmation. tests/test_registration_screening.py turns them on.
        "REGISTRATION_MIN_FILL_SECONDS": 0,
        "REGISTRATION_CONFIRM_AFTER": 100_000,
    }


@pytest.fixture
def app(app_config):
    """Create an app with an empty schema, and drop it afterwards."""
    app = create_app(app_config)
    app.before_request(_forget_request_caches)
    with app.app_context():
        if app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            _reset_postgres()
        db.create_all()
        yield app
        db.session.remove()
        if app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            _reset_postgres()
        db.engine.dispose()


def _forget_request_caches() -> None:
    # Requests made while the test holds an app context share its ``g``, so the
    # language and the logged-in user cached there would leak from one request
    # to the next; in production every request has its own.
    g.pop("_flask_babel", None)
    g.pop("_login_user", None)


def _reset_postgres() -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture
def smtp():
    """Run a real SMTP server (aiosmtpd) on a free loopback port for the test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def make_event(app, now):
    """Return a factory for published events; keyword arguments override fields."""

    counter = iter(range(1, 10_000))

    def make(**fields) -> Event:
        number = next(counter)
        values = {
            "slug": f"event-{number}",
            "status": EventStatus.PUBLISHED,
            "title_nl": f"Evenement {number}",
            "title_en": f"Event {number}",
            "description_nl": "Een **mooi** evenement.",
            "description_en": "A **fine** event.",
            "venue": "Techport Centre",
            "address": "Kanaalstraat 1, 1976 BA IJmuiden",
            "timezone": "Europe/Amsterdam",
            "starts_at": now + timedelta(days=30),
            "ends_at": now + timedelta(days=30, hours=4),
            "capacity": 100,
            "organiser_email": "events@techport.example.org",
        }
        questions = fields.pop("questions", None)
        values.update(fields)
        event = Event(**values)
        if questions is None:
            questions = [
                Question(
                    position=1,
                    kind=QuestionKind.YES_NO,
                    label_nl="Blijf je eten?",
                    label_en="Staying for dinner?",
                    required=True,
                )
            ]
        event.questions = questions
        db.session.add(event)
        db.session.commit()
        return event

    return make


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def live_server(app):
    """Serve ``app`` on a free loopback port in a thread; yield its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright_instance():
    """Start Playwright once per test session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Launch Debian's chromium headless, once per test session."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
