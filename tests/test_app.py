"""The app factory's configuration, the demo seed and the account command."""

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from flask_migrate import stamp
from sqlalchemy import func, select

from eventdesk import create_app
from eventdesk.auth.models import User
from eventdesk.cli import cli
from eventdesk.config import ConfigError
from eventdesk.db import db
from eventdesk.demo import DEMO_SLUG, next_january_tenth, seed_demo
from eventdesk.events.models import Event


def test_importing_the_package_loads_nothing_else():
    # The factory (eventdesk.app) and with it every domain load only when create_app is called.
    code = ("import sys, eventdesk; "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('eventdesk'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded == ["eventdesk"]


def test_the_app_keeps_the_package_name():
    app = create_app({"SECRET_KEY": "x" * 32, "BASE_URL": "http://localhost"})
    assert app.name == "eventdesk" and app.logger.name == "eventdesk"


def test_refuses_to_start_without_a_secret_key_outside_demo(monkeypatch, database_url):
    monkeypatch.delenv("EVENTDESK_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="EVENTDESK_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert create_app({"SQLALCHEMY_DATABASE_URI": database_url, "DEMO": True}).secret_key


def test_environment_then_mapping(monkeypatch):
    monkeypatch.setenv("EVENTDESK_SECRET_KEY", "from-environment-0123456789")
    monkeypatch.setenv("EVENTDESK_BASE_URL", "https://events.example.org/")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.sqlite")
    app = create_app({"BASE_URL": "https://tickets.example.org"})
    assert app.secret_key == "from-environment-0123456789"
    assert app.config["BASE_URL"] == "https://tickets.example.org"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-env.sqlite"


def test_default_database_is_a_file_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x" * 32, "BASE_URL": "https://events.example.org"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/eventdesk.sqlite")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 28), date(2027, 1, 10)),
        (date(2027, 1, 10), date(2027, 1, 10)),
        (date(2027, 1, 11), date(2028, 1, 10)),
    ],
)
def test_demo_is_on_the_next_tenth_of_january(today, expected):
    assert next_january_tenth(today) == expected


def test_demo_seed_is_idempotent_and_at_16_amsterdam(app):
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    seed_demo(now=now)
    db.session.commit()
    seed_demo(now=now)
    db.session.commit()
    event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    assert event.starts_at == datetime(2027, 1, 10, 15, tzinfo=UTC)
    assert event.starts_at.astimezone(event.zone).hour == 16
    assert len(event.questions) == 3
    assert db.session.scalar(select(func.count()).select_from(User)) == 3


def test_create_user_command(app):
    stamp()  # commands want a migrated schema; the fixture's is current
    runner = app.test_cli_runner()
    args = [
        "create-user",
        "--email",
        "Boss@Example.org",
        "--role",
        "admin",
        "--password",
        "long-enough-pw",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "boss@example.org" and user.check_password("long-enough-pw")
    again = runner.invoke(cli, args)
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(cli, ["create-user", "--email", "x@example.org", "--password", "short"])
    assert short.exit_code != 0 and "at least 10" in short.output
