"""Refuse forged hosts, and tell browsers what each page may do.

Flask checks the Host header against ``TRUSTED_HOSTS`` (set in
``eventdesk.config`` from EVENTDESK_BASE_URL) while it sets up the request,
but raises the error only when the view would run, after every
``before_request`` hook. The first hook here answers it at once, with a
plain 400: the error page would need URLs built on the refused host. The
second refuses posts that another site's page sent.
"""

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError
from werkzeug.sansio.utils import host_is_trusted

# The door page decodes QR codes with WebAssembly (the vendored zxing reader).
WASM_ENDPOINTS = frozenset({"checkin.page"})
# Its ``next`` parameter is the page the visitor was on, a token page included.
TOKEN_IN_QUERY_ENDPOINTS = frozenset({"i18n.switch"})

_NONCE_KEY = "eventdesk.csp_nonce"


def csp_nonce() -> str:
    """Return this request's nonce, for a ``<script nonce="...">`` tag."""
    # Kept in the WSGI environ, which belongs to this request alone (``g``
    # can outlive a request when an app context is already open).
    nonce = request.environ.get(_NONCE_KEY)
    if nonce is None:
        nonce = request.environ[_NONCE_KEY] = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str, *, wasm: bool = False) -> str:
    """Return the Content-Security-Policy for a page; ``wasm`` lets it compile WebAssembly."""
    scripts = f"'self' 'nonce-{nonce}'" + (" 'wasm-unsafe-eval'" if wasm else "")
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        # No 'unsafe-inline' for styles either: every page's style is in
        # static/css, and the dashboard draws its bars as SVG rather than with
        # style attributes. An injected style attribute can then do nothing.
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _token_in_url() -> bool:
    if request.endpoint in TOKEN_IN_QUERY_ENDPOINTS:
        return True
    return any("token" in name for name in request.view_args or {})


def refuse_untrusted_host() -> Response | None:
    """Answer 400 before anything else runs when the request names a host not ours."""
    if isinstance(request.routing_exception, SecurityError):
        return Response("Unknown host.\n", status=400, mimetype="text/plain")
    return None


def _names_our_site(url: str) -> bool:
    try:
        host = urlsplit(url).netloc
    except ValueError:  # malformed: not ours
        return False
    return host_is_trusted(host, current_app.config["TRUSTED_HOSTS"])


def refuse_cross_site_post() -> None:
    """Refuse a form or JSON post that a page of another site sent (beside the CSRF token).

    Stands in for Flask-WTF's HTTPS Referer check, which pages sent with
    ``no-referrer`` would fail: a missing Referer, or ``Origin: null``, is
    allowed; one naming a host that is not ours is not. Bearer-token callers
    are no browsers and carry no cookie-borne authority.
    """
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE") or request.authorization:
        return
    for header in ("Origin", "Referer"):
        value = request.headers.get(header)
        if value and value != "null" and not _names_our_site(value):
            raise CSRFError(f"{header} names another site")


def add_security_headers(response: Response) -> Response:
    """Add the policy headers to a response (one that sets its own CSP keeps it)."""
    headers = response.headers
    if "Content-Security-Policy" not in headers:
        wasm = request.endpoint in WASM_ENDPOINTS
        headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), wasm=wasm)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # A token in the address bar must not travel on in a Referer header,
    # not even to our own pages (their access logs).
    headers["Referrer-Policy"] = "no-referrer" if _token_in_url() else "same-origin"
    return response


def init_app(app: Flask) -> None:
    """Refuse forged hosts first, and add the security headers to every response."""
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks[0:0] = [refuse_untrusted_host, refuse_cross_site_post]
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
