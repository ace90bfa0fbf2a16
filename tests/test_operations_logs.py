"""Log lines an operator can use: each mail sent or failed, each check-in, each
back-office change (who, what, which event), and JSON lines for log shippers."""

import json
import logging

from backoffice import login, make_user
from checkin_helpers import api, door_with_token, event_today, guest
from mail_helpers import free_port
from operator_helpers import (
    database_url,
    empty_postgres,
    eventdesk,
    get,
    operator_env,
    start_serve,
    stop,
    wait_until_up,
)

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.mail.models import OutboxMessage
from eventdesk.mail.transport import make_transport
from eventdesk.mail.worker import WorkerSettings, deliver_batch
from eventdesk.operations.logs import JsonFormatter


def lines(caplog, logger: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == logger]


def test_each_back_office_change_is_logged_with_who_what_and_which_event(
        client, make_event, caplog):
    event = make_event()
    organiser = make_user(Role.ORGANISER, "org@example.org")
    login(client, organiser)
    caplog.set_level(logging.INFO, logger="eventdesk.audit")
    client.get(f"/organiser/events/{event.slug}/doors")
    assert lines(caplog, "eventdesk.audit") == []  # reading changes nothing
    created = client.post(f"/organiser/events/{event.slug}/doors", data={"name": "Hoofdingang"})
    assert created.status_code == 200  # shows the new door's link once
    assert client.post(f"/organiser/events/{event.slug}/doors", data={"name": ""}).status_code \
        == 422
    [record] = lines(caplog, "eventdesk.audit")  # the refused form changed nothing
    assert (record.user, record.event, record.status) == ("org@example.org", event.slug, 200)
    assert record.action.startswith("checkin.") or "door" in record.action
    assert "org@example.org" in record.getMessage() and event.slug in record.getMessage()


def test_each_check_in_is_logged(client, make_event, now, caplog):
    event = event_today(make_event, now)
    _, token = door_with_token(event, "Hoofdingang", now)
    registration = guest(event, "zoe@example.org", now)
    caplog.set_level(logging.INFO, logger="eventdesk.checkin")
    api(client, event, token=token, code=registration.ticket_code)
    api(client, event, token=token, code=registration.ticket_code)
    first, second = lines(caplog, "eventdesk.checkin")
    assert (first.result, first.door, first.registration_id) == (
        "ok", "Hoofdingang", registration.id)
    assert (second.result, second.reason) == ("error", "already_checked_in")
    assert f"event={event.id}" in first.getMessage()


def test_each_mail_sent_or_failed_is_logged(app, smtp, caplog):
    for recipient in ("zoe@example.org", "refuse@example.org"):
        db.session.add(OutboxMessage(kind="plain", recipient=recipient, subject="s",
                                     raw=b"Subject: s\r\n\r\nhallo\r\n"))
    db.session.commit()
    app.config["SMTP_URL"] = smtp.url
    caplog.set_level(logging.INFO, logger="eventdesk.mail")
    transport = make_transport(app.config)
    deliver_batch(transport, settings=WorkerSettings.from_config(app.config))
    transport.close()
    messages = sorted(record.getMessage() for record in lines(caplog, "eventdesk.mail"))
    assert messages[0].startswith("mail 1 sent")
    assert messages[1].startswith("mail 2 failed: ") and "550" in messages[1]


def test_json_lines_carry_the_extra_fields():
    record = logging.LogRecord("eventdesk.audit", logging.INFO, __file__, 1, "did %s", ("it",),
                               None)
    record.user = "org@example.org"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "did it" and line["user"] == "org@example.org"
    assert line["level"] == "info" and line["logger"] == "eventdesk.audit"
    assert line["time"].endswith("+00:00")


def test_serve_writes_only_json_lines_when_asked(tmp_path):
    empty_postgres()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = operator_env(tmp_path / "instance", EVENTDESK_BASE_URL=base,
                       EVENTDESK_LOG_FORMAT="json")
    assert eventdesk("db", "upgrade", env=env).returncode == 0
    log = tmp_path / "serve.log"
    process = start_serve(env, port, log)
    try:
        wait_until_up(base, process, log)
        assert get(base, "/healthz")[0] == 200
        assert get(base, "/no-such-page")[0] == 404
    finally:
        stop(process)
        empty_postgres()
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    requests = [r for r in records if r["logger"] == "gunicorn.access"]
    missing = next(r for r in requests if r["path"] == "/no-such-page")
    assert missing["status"] == 404 and missing["method"] == "GET"
    assert isinstance(missing["duration_ms"], float)
    assert any("database" in r["message"] for r in records)
    assert database_url(env)
