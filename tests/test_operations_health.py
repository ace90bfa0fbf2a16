"""``GET /healthz``: 200 while the database answers, 503 when it does not, and the
outbox's backlog and the worker's last pass, so stuck mail shows."""

from datetime import timedelta

import pytest
from mail_helpers import free_port

from eventdesk import create_app
from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.operations.heartbeat import record_pass


def queue(*, age: timedelta, status=OutboxStatus.PENDING) -> None:
    db.session.add(OutboxMessage(kind="plain", recipient="a@example.org", subject="s",
                                 raw=b"x", status=status, created_at=utcnow() - age))
    db.session.commit()


def test_healthy_and_empty(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.json == {
        "status": "ok", "database": "ok", "mail": "ok",
        "outbox": {"queued": 0, "failed": 0, "oldest_queued_seconds": None},
        "worker": {"last_pass_at": None, "seconds_since_last_pass": None},
    }


def test_stuck_mail_shows_but_only_fails_the_check_when_asked(client):
    queue(age=timedelta(minutes=30))
    queue(age=timedelta(minutes=1))
    queue(age=timedelta(days=2), status=OutboxStatus.FAILED)
    response = client.get("/healthz")
    # A load balancer keeps the app server: taking it out would not move the mail.
    assert response.status_code == 200
    assert response.json["mail"] == "stuck"
    assert response.json["outbox"]["queued"] == 2 and response.json["outbox"]["failed"] == 1
    assert 1790 <= response.json["outbox"]["oldest_queued_seconds"] <= 1810
    assert client.get("/healthz?mail=required").status_code == 503


def test_a_worker_pass_is_reported_and_fresh_mail_is_not_stuck(client):
    queue(age=timedelta(seconds=5))
    assert client.get("/healthz").json["mail"] == "stuck"  # no worker has ever passed
    record_pass(now=utcnow() - timedelta(seconds=3), force=True)
    health = client.get("/healthz").json
    assert health["mail"] == "ok" and 2 <= health["worker"]["seconds_since_last_pass"] <= 5
    assert health["worker"]["last_pass_at"].endswith("+00:00")
    assert client.get("/healthz?mail=required").status_code == 200
    record_pass(now=utcnow() - timedelta(minutes=10), force=True)
    assert client.get("/healthz").json["mail"] == "stuck"  # the worker went quiet


def test_a_probe_may_send_any_host_but_pages_may_not(client):
    assert client.get("/healthz", headers={"Host": "10.0.0.7:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "10.0.0.7:8000"}).status_code == 400


def test_a_stopped_database_answers_503(app_config, tmp_path):
    if app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Nothing listens on this port: the server is down.
        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/eventdesk"
    else:
        # A file that is no database (as after a disk error) cannot be read.
        broken = tmp_path / "broken.sqlite"
        broken.write_bytes(b"this is not a database " * 300)
        url = f"sqlite:///{broken}"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable"}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get(client, method):
    assert getattr(client, method)("/healthz").status_code == 405
