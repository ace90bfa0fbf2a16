"""Signed opt-out links: whoever holds one may decline an event's non-essential mail."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from eventdesk.inputs import normalize_email
from eventdesk.links import external_url

_SALT = "eventdesk.messages.opt-out"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def opt_out_token(event_id: int, email: str) -> str:
    """Return the token of one guest's opt-out link for one event."""
    return _serializer().dumps([event_id, normalize_email(email)])


def read_token(token: str) -> tuple[int, str] | None:
    """Return (event id, address) of a genuine token, or None for anything else."""
    try:
        value = _serializer().loads(token)
    except (BadSignature, UnicodeError, ValueError):
        return None
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int)
            or not isinstance(value[1], str)):
        return None
    return value[0], value[1]


def opt_out_url(event_id: int, email: str) -> str:
    """Return the absolute opt-out link (on EVENTDESK_BASE_URL) for one guest."""
    return external_url("messages.opt_out", token=opt_out_token(event_id, email))
