"""The signed cookie session, left out of API calls that authenticate with a bearer token."""

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

API_PREFIX = "/api/"


class DetachedSession(SecureCookieSession):
    """An empty session that is never saved: the token says who calls, not a cookie."""


def bearer_token(request: Request) -> str | None:
    """Return the bearer token ``request`` carries in its Authorization header, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    # An empty token is no token.
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def bearer_api_call(request: Request) -> bool:
    """Tell whether ``request`` is an API call carrying a bearer token."""
    return request.path.startswith(API_PREFIX) and bearer_token(request) is not None


class CookieSessionInterface(SecureCookieSessionInterface):
    """Cookie sessions for browsers; none for bearer-token API calls.

    A scanner sends thousands of calls a day: decoding and re-signing a cookie
    it does not use would be most of the framework's work per call, and the
    answer would vary by a cookie that plays no part in it.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if bearer_api_call(request):
            return DetachedSession()
        return super().open_session(app, request)

    def is_null_session(self, obj: object) -> bool:
        return isinstance(obj, DetachedSession) or super().is_null_session(obj)
