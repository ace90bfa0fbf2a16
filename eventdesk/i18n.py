"""Language choice: the guest's pick, else the browser's, else Dutch."""

from flask import Blueprint, Flask, current_app, redirect, request, session
from flask_babel import get_locale

from eventdesk.extensions import babel
from eventdesk.redirects import safe_next

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """Pick the language for this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def current_language() -> str:
    """Return the two-letter code of the language in use."""
    return str(get_locale() or current_app.config["LANGUAGES"][0])


@bp.get("/language/<code>")
def switch(code: str):
    """Remember the chosen language and go back where the visitor was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the language switch."""
    # Catalogues live in eventdesk/translations, Flask-Babel's default place.
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.globals["current_language"] = current_language
