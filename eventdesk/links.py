"""Absolute links for mails and calendars, also outside a request."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, has_request_context, request, url_for

# The address a queued mail was asked for on, for the worker that renders it.
_mail_base: ContextVar[str | None] = ContextVar("eventdesk_mail_base", default=None)


def public_base_url() -> str | None:
    """Return EVENTDESK_BASE_URL, else the address of the current request, if any."""
    base = current_app.config["BASE_URL"]
    if not base and has_request_context():
        base = request.host_url.rstrip("/")
    return base


@contextmanager
def base_url_of(base: str | None) -> Iterator[None]:
    """Build links in this block on ``base`` when there is no configured one nor a request.

    The worker renders a mail with the address its request came in on.
    """
    token = _mail_base.set(base)
    try:
        yield
    finally:
        _mail_base.reset(token)


def external_url(endpoint: str, **values) -> str:
    """Return an absolute URL for ``endpoint``, based on EVENTDESK_BASE_URL when set."""
    base = public_base_url()
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        # The worker and the CLI have no request to build on: use the URL map directly.
        path = current_app.url_map.bind("localhost").build(endpoint, values)
        base = base or _mail_base.get() or "http://127.0.0.1:5000"
    return base + path
