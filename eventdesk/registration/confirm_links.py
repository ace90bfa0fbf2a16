"""Signed links that confirm a pending registration's address."""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.registration.models import Registration

_SALT = "eventdesk.confirm-address"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def pending_lifetime() -> timedelta:
    """Return how long a registration waits for its guest to confirm the address."""
    return timedelta(hours=float(current_app.config["REGISTRATION_PENDING_HOURS"]))


def confirmation_token(registration: Registration) -> str:
    """Return the signed, expiring token of the link in a confirmation mail."""
    # The uid names the registration without being a secret of its own
    # (calendars carry it); the signature makes the link unforgeable.
    return _serializer().dumps(registration.uid)


def registration_by_confirmation_token(token: str) -> Registration | None:
    """Return the registration a confirmation link names, if the link is genuine and current."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        uid = _serializer().loads(token, max_age=int(pending_lifetime().total_seconds()))
    except BadData:
        return None
    if not isinstance(uid, str):
        return None
    return db.session.scalar(select(Registration).where(Registration.uid == uid))
