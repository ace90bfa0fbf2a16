"""Configuration defaults and loading from the environment."""

import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

DEFAULTS = {
    "SECRET_KEY": None,
    "DEMO": False,
    "BASE_URL": None,
    "DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "LANGUAGES": ("nl", "en"),
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "SMTP_URL": None,
    "MAIL_FROM": "eventdesk <noreply@localhost>",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # Bot defences on the public registration form (see registration.screening).
    "REGISTRATION_CONFIRM_AFTER": 10,
    "REGISTRATION_CONFIRM_MAILS_PER_HOUR": 50,
    "REGISTRATION_MIN_FILL_SECONDS": 3,
    "REGISTRATION_PENDING_HOURS": 48,
}

INSECURE_KEYS = {None, "", "dev", "change-me", "secret"}


class ConfigError(RuntimeError):
    """The configuration cannot run eventdesk safely."""


def load_config(app: Flask, overrides: Mapping | None) -> None:
    """Apply defaults, then the environment, then the caller's mapping."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("EVENTDESK")
    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    if overrides:
        app.config.from_mapping(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "eventdesk.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if app.config["BASE_URL"]:
        app.config["BASE_URL"] = app.config["BASE_URL"].rstrip("/")
        # Flask's own default is False, so setdefault would never apply.
        https = app.config["BASE_URL"].startswith("https://")
        if https and "SESSION_COOKIE_SECURE" not in (overrides or {}):
            app.config["SESSION_COOKIE_SECURE"] = True
    _check_secret_key(app)


def _check_secret_key(app: Flask) -> None:
    relaxed = app.config["DEMO"] or app.debug or app.testing
    if app.config["SECRET_KEY"] in INSECURE_KEYS and not relaxed:
        raise ConfigError(
            "EVENTDESK_SECRET_KEY is not set. Generate one with\n"
            "    python -c 'import secrets; print(secrets.token_hex(32))'\n"
            "and export it as EVENTDESK_SECRET_KEY before starting eventdesk."
        )
    if app.config["SECRET_KEY"] in INSECURE_KEYS:
        app.config["SECRET_KEY"] = "insecure-development-key"
