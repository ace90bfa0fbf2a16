"""Error pages and JSON errors in the visitor's language, never a bare 500."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from eventdesk.db import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("You do not have access to this page.")),
        404: (_("Not found"), _("This page does not exist, or the link is no longer valid.")),
        405: (_("Not allowed"), _("This action is not possible here.")),
        413: (_("Too large"), _("What you sent is too large.")),
        429: (_("Too many attempts"), _("Please wait a moment and try again.")),
        500: (_("Something went wrong"), _("An unexpected error occurred. Please try again.")),
    }


def wants_json() -> bool:
    """Tell whether the client is an API caller rather than a browser."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def render_error(code: int, detail: str | None = None):
    """Render the error page (or JSON) for an HTTP status code."""
    title, message = _messages().get(code, _messages()[500 if code >= 500 else 400])
    if detail:
        message = detail
    if wants_json():
        return {"status": "error", "reason": f"http_{code}", "message": message}, code
    return render_template(
        "errors/error.html", code=code, title=title, message=message, error_page=True
    ), code


def page_failed(form=None, error_page: bool = False) -> bool:
    """Tell whether the page shows an error, so its title starts with "Error:"."""
    return bool(error_page or (form is not None and getattr(form, "errors", None)))


class DatabaseIntegerConverter(IntegerConverter):
    """An ``<int:...>`` URL part that fits a database integer column.

    A larger number in a forged URL is then a plain 404, where PostgreSQL
    would otherwise refuse the query.
    """

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Register the error handlers and the bounded ``int`` URL converter."""
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.add_template_global(page_failed)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400, _("This form has expired or was not sent from this site. Please try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        # A failed statement leaves the transaction unusable for the error page.
        db.session.rollback()
        return render_error(500)
