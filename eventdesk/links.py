"""Absolute links for mails, calendars and door links, also outside a request.

Every absolute link is built on EVENTDESK_BASE_URL, never on the request's
Host header: a forged Host would otherwise put an attacker's address in a
genuine ticket mail.
"""

from flask import current_app


def public_base_url() -> str:
    """Return EVENTDESK_BASE_URL (the demo's own address when it is not set)."""
    return current_app.config["BASE_URL"]


def external_url(endpoint: str, **values) -> str:
    """Return an absolute URL for ``endpoint`` on EVENTDESK_BASE_URL."""
    # The URL map, not url_for: the path must not depend on the request either
    # (its script root), and the worker and the CLI have no request at all.
    # BASE_URL carries any prefix the site is served under.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return public_base_url() + path
