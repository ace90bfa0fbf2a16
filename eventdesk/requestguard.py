"""Refuse requests whose text no view should ever see, before any view runs.

A NUL byte in a slug or a token made PostgreSQL refuse the query (a 500);
other control characters end up in logs, CSV files and mail headers. One
hook, run before any other part of a request, checks the path, the query
string, the form fields, uploaded file names and every string (and key) in
a JSON body against the one rule in ``eventdesk.inputs``, and answers 400 in
the visitor's language. Form fields and JSON strings may carry tab and line
breaks (a description, a message, a scanner's Enter after the code); whether
a field may hold more than one line is the form's to decide
(``eventdesk.forms``), and the check-in API makes every text one line. The
path, the query string and every name never may.
"""

from collections.abc import Iterable

from flask import Flask, abort, make_response, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from eventdesk.errors import render_error
from eventdesk.inputs import has_control_characters

# Deeper JSON is no scanner's request; the check-in API reads a flat object.
MAX_JSON_DEPTH = 20
CONTROL, TOO_DEEP = "control", "too_deep"


def _refused(texts: Iterable[str], *, multiline: bool = False) -> bool:
    return any(has_control_characters(text, multiline=multiline) for text in texts)


def _pairs(values: MultiDict) -> Iterable[str]:
    for key, value in values.items(multi=True):
        yield key
        yield value


def _json_problem(data: object) -> str | None:
    # A stack, not recursion: the depth limit is what stops a deep body.
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return TOO_DEEP
        if isinstance(value, str):
            # A handheld scanner types its code followed by Enter or Tab, so
            # a JSON string may end in one; the API makes every field one line.
            if has_control_characters(value, multiline=True):
                return CONTROL
        elif isinstance(value, dict):
            if _refused(value):
                return CONTROL
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return None


def refusal() -> str | None:
    """Return why the current request is refused, or None when it may go on."""
    problem = None
    if has_control_characters(request.path) or _refused(_pairs(request.args)):
        problem = CONTROL
    elif request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            try:
                problem = _json_problem(request.get_json(silent=True))
            except RecursionError:  # the parser itself gives up on a very deep body
                problem = TOO_DEEP
        else:
            form, files = request.form, request.files
            names = [*form.keys(), *files.keys()]
            names += [file.filename or "" for _name, file in files.items(multi=True)]
            values = [value for _name, value in form.items(multi=True)]
            if _refused(names) or _refused(values, multiline=True):
                problem = CONTROL
    if problem == CONTROL:
        return _("The request contains characters that are not allowed, such as control "
                 "characters. Please check what you typed and try again.")
    if problem == TOO_DEEP:
        return _("The request is nested too deeply.")
    return None


def init_app(app: Flask) -> None:
    """Check every request before the views (and their database queries) see it."""

    # The app's URL value preprocessors run first of all request hooks, before
    # the blueprints' (which load the event named by the slug) and before any
    # before_request function: the one place that sees every request early.
    @app.url_value_preprocessor
    def refuse_hostile_input(endpoint: str | None, values: dict | None) -> None:
        reason = refusal()
        if reason is not None:
            abort(make_response(render_error(400, reason)))
