"""``GET /healthz``: does the app answer, does its database, is mail moving?"""

import logging
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.operations.heartbeat import last_pass

bp = Blueprint("health", __name__)
log = logging.getLogger("eventdesk.health")

# Mail counts as stuck when the oldest queued message waited this long, or a
# backlog exists and no worker finished a pass for this long.
MAIL_STUCK_SECONDS = 600
WORKER_SILENT_SECONDS = 120


@bp.get("/healthz")
def healthz():
    """Answer 200 with the outbox's state while the database answers, 503 when not.

    Stuck mail does not make it 503 (a load balancer taking app servers out
    would not move the mail), unless ``?mail=required`` asks, for a monitor.
    """
    now = utcnow()
    try:
        queued, oldest = db.session.execute(
            select(func.count(), func.min(OutboxMessage.created_at))
            .where(OutboxMessage.status == OutboxStatus.PENDING)
        ).one()
        failed = db.session.scalar(
            select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED)
        )
        worker_pass = last_pass()
        db.session.rollback()
    except Exception as error:  # whatever keeps the database from answering
        _forget(db.session)
        log.error("health check: the database does not answer: %s", _first_line(error))
        return _answer({"status": "error", "database": "unavailable"}, 503)
    if oldest is not None and oldest.tzinfo is None:  # SQLite keeps no zone in an aggregate
        oldest = oldest.replace(tzinfo=now.tzinfo)
    oldest_age = (now - oldest).total_seconds() if oldest is not None else None
    silent = (now - worker_pass).total_seconds() if worker_pass is not None else None
    stuck_after = float(current_app.config.get("HEALTH_MAIL_STUCK_SECONDS", MAIL_STUCK_SECONDS))
    mail_stuck = queued > 0 and (
        (oldest_age is not None and oldest_age > stuck_after)
        or silent is None or silent > WORKER_SILENT_SECONDS
    )
    body = {
        "status": "ok",
        "database": "ok",
        "mail": "stuck" if mail_stuck else "ok",
        "outbox": {
            "queued": queued,
            "failed": failed,
            "oldest_queued_seconds": None if oldest_age is None else round(oldest_age),
        },
        "worker": {
            "last_pass_at": worker_pass.isoformat() if worker_pass else None,
            "seconds_since_last_pass": None if silent is None else round(silent),
        },
    }
    status = 503 if mail_stuck and request.args.get("mail") == "required" else 200
    return _answer(body, status)


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _forget(session) -> None:
    try:
        session.rollback()
    except SQLAlchemyError:
        session.invalidate()


def _first_line(error: Exception) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


class HealthFromAnyHost:
    """Let ``/healthz`` answer whatever Host a load balancer's probe sends.

    Other requests must name the site's own host (TRUSTED_HOSTS), but a probe
    often sends the server's address; this answer builds no links from it.
    """

    def __init__(self, wsgi_app, host: str) -> None:
        self.wsgi_app = wsgi_app
        self.host = host

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            environ["HTTP_HOST"] = self.host
            environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """Serve ``/healthz``."""
    app.register_blueprint(bp)
    base = app.config.get("BASE_URL")
    if base:
        app.wsgi_app = HealthFromAnyHost(app.wsgi_app, urlsplit(base).netloc)
