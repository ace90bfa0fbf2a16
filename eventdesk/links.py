"""Absolute links for mails and calendars, also outside a request."""

from flask import current_app, has_request_context, request, url_for


def external_url(endpoint: str, **values) -> str:
    """Return an absolute URL for ``endpoint``, based on EVENTDESK_BASE_URL when set."""
    base = current_app.config["BASE_URL"]
    if has_request_context():
        path = url_for(endpoint, **values)
        base = base or request.host_url.rstrip("/")
    else:
        # The worker and the CLI have no request to build on: use the URL map directly.
        path = current_app.url_map.bind("localhost").build(endpoint, values)
        base = base or "http://127.0.0.1:5000"
    return base + path
