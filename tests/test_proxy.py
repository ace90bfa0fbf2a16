"""Behind a load balancer: client address and scheme from X-Forwarded-* only when configured."""

import pytest
from flask import request

from eventdesk import create_app

HEADERS = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def _seen(app_config: dict) -> tuple[str, str]:
    app = create_app(app_config)

    @app.get("/_whoami")
    def whoami():
        return f"{request.remote_addr} {request.scheme}"

    client = app.test_client()
    return tuple(client.get("/_whoami", headers=HEADERS).get_data(as_text=True).split())


def test_forwarded_headers_ignored_by_default(app_config):
    assert _seen(app_config) == ("127.0.0.1", "http")


@pytest.mark.parametrize("proxies", [1, "1"])
def test_forwarded_headers_trusted_behind_proxies(app_config, proxies):
    assert _seen({**app_config, "PROXIES": proxies}) == ("203.0.113.7", "https")
