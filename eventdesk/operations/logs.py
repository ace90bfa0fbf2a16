"""Log lines an operator can use: text for people, JSON for log shippers.

``EVENTDESK_LOG_FORMAT=json`` makes every line (eventdesk's own, gunicorn's
per-request line and its errors) one JSON object. Fields passed as ``extra``
become keys of that object; the text format already has them in the message.
"""

import json
import logging
import os
import sys
from datetime import UTC, datetime

from flask import Flask, Response, request
from flask_login import current_user
from gunicorn import glogging

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def json_wanted() -> bool:
    """Tell whether ``EVENTDESK_LOG_FORMAT`` asks for JSON lines."""
    return os.environ.get("EVENTDESK_LOG_FORMAT", "").strip().lower() == "json"


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message, extras."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(
            (key, value) for key, value in vars(record).items() if key not in _STANDARD
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def formatter() -> logging.Formatter:
    """Return the formatter ``EVENTDESK_LOG_FORMAT`` asks for."""
    return JsonFormatter() if json_wanted() else logging.Formatter(TEXT_FORMAT)


def configure_logging() -> None:
    """Send eventdesk's INFO lines and up to stderr in the chosen format (command line only)."""
    handler = logging.StreamHandler(sys.stderr)
    handler._eventdesk = True
    handler.setFormatter(formatter())
    # Alembic's lines say which migrations `db upgrade` (and `serve`) ran.
    for name in ("eventdesk", "alembic.runtime.migration"):
        logger = logging.getLogger(name)
        if any(getattr(known, "_eventdesk", False) for known in logger.handlers):
            return
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    # Of Alembic's lines, only those about a migration being run.
    logging.getLogger("alembic.runtime.migration").addFilter(
        lambda record: record.getMessage().startswith("Running "))


class GunicornLogger(glogging.Logger):
    """Gunicorn's logger, with the request's duration and, when asked, JSON lines."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if json_wanted():
            for handler in self.error_log.handlers + self.access_log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not json_wanted():
            super().access(resp, req, environ, request_time)
            return
        if not self.cfg.accesslog:
            return
        self.access_log.info("request", extra={
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(str(resp.status).split(None, 1)[0]),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
            "remote": environ.get("REMOTE_ADDR"),
        })


# Gunicorn's default line with the time taken in milliseconds added.
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

audit = logging.getLogger("eventdesk.audit")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def log_back_office_change(response: Response) -> Response:
    """Log who changed what for which event, for every back-office request that changed data."""
    if (request.method in SAFE_METHODS or response.status_code >= 400
            or not request.path.startswith("/organiser/")):
        return response
    who = current_user.email if current_user.is_authenticated else "anonymous"
    # A new event has its address only in the form it was created with.
    event = (request.view_args or {}).get("slug") or request.form.get("slug", "")[:80] or None
    audit.info(
        "%s %s (%s) event=%r status=%d", who, request.endpoint, request.method, event,
        response.status_code,
        extra={"user": who, "action": request.endpoint, "event": event,
               "status": response.status_code},
    )
    return response


def init_app(app: Flask) -> None:
    """Log the back office's changes."""
    app.after_request(log_back_office_change)
