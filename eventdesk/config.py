"""Configuration defaults and loading from the environment."""

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

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
    # Flask-WTF's HTTPS check wants a same-site Referer on every form post, but
    # pages whose URL holds a token send none (Referrer-Policy: no-referrer).
    # eventdesk.security refuses posts whose Origin or Referer names another site.
    "WTF_CSRF_SSL_STRICT": False,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # Bot defences on the public registration form (see registration.screening).
    "REGISTRATION_CONFIRM_AFTER": 10,
    "REGISTRATION_CONFIRM_MAILS_PER_HOUR": 50,
    "REGISTRATION_MIN_FILL_SECONDS": 3,
    "REGISTRATION_PENDING_HOURS": 48,
}

INSECURE_KEYS = {None, "", "dev", "change-me", "secret"}

# Where ``eventdesk serve --demo`` listens by default (the command sets the
# address it was actually given); the demo also answers to these names.
DEMO_BASE_URL = "http://127.0.0.1:5000"
DEMO_HOSTS = ("127.0.0.1", "localhost")


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
    _check_secret_key(app)
    _set_base_url(app, overrides)


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


def _set_base_url(app: Flask, overrides: Mapping | None) -> None:
    """Check EVENTDESK_BASE_URL and trust only its host (and the listed extra names)."""
    base = app.config["BASE_URL"]
    if not base:
        if not app.config["DEMO"]:
            raise ConfigError(
                "EVENTDESK_BASE_URL is not set: export the address guests use, e.g. "
                "EVENTDESK_BASE_URL=https://events.example.org (links in mail are built "
                "on it; requests for any other host are refused)."
            )
        base = DEMO_BASE_URL
    parts = urlsplit(str(base))
    if (
        parts.scheme not in ("http", "https") or not parts.hostname or parts.query
        or parts.fragment or parts.username or parts.password
    ):
        raise ConfigError(
            f"EVENTDESK_BASE_URL must look like https://events.example.org, not {base!r}."
        )
    app.config["BASE_URL"] = str(base).rstrip("/")
    # Flask's own default is False, so setdefault would never apply.
    if parts.scheme == "https" and "SESSION_COOKIE_SECURE" not in (overrides or {}):
        app.config["SESSION_COOKIE_SECURE"] = True
    # Flask answers 400 to a request for any other host. The list is never
    # empty: Flask would then accept every host.
    hosts = [_host_name(parts.hostname), *_extra_hosts(app.config.get("TRUSTED_HOSTS"))]
    if app.config["DEMO"]:
        hosts.extend(DEMO_HOSTS)
    app.config["TRUSTED_HOSTS"] = list(dict.fromkeys(hosts))


def _host_name(hostname: str) -> str:
    # An IPv6 address is compared with its brackets, as it appears in Host.
    return f"[{hostname}]" if ":" in hostname else hostname


def _extra_hosts(value: object) -> list[str]:
    """Read EVENTDESK_TRUSTED_HOSTS: a JSON list, or names separated by commas or spaces."""
    if value is None:
        return []
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    if not isinstance(value, list | tuple) or not all(isinstance(n, str) for n in value):
        raise ConfigError(
            "EVENTDESK_TRUSTED_HOSTS must list host names, e.g. "
            "'events.example.org, .example.net' or '[\"events.example.org\"]'."
        )
    return [name.strip().lower() for name in value if name.strip()]
