"""``eventdesk serve`` as an operator runs it: the mail worker survives kill -9,
``/healthz`` shows the worker's passes, the demo says when its links work."""

import json
import os
import signal
import socket
import time

import pytest
from mail_helpers import free_port
from operator_helpers import (
    add_event,
    children,
    database_url,
    empty_postgres,
    eventdesk,
    get,
    operator_env,
    register_over_http,
    start_serve,
    stop,
    wait_until_up,
)


@pytest.fixture
def served(tmp_path, smtp):
    """A migrated database with one event, served by `eventdesk serve` with a real SMTP server."""
    empty_postgres()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = operator_env(tmp_path / "instance", EVENTDESK_BASE_URL=base,
                       EVENTDESK_SMTP_URL=smtp.url, EVENTDESK_MAIL_POLL_SECONDS="0.2",
                       EVENTDESK_REGISTRATION_MIN_FILL_SECONDS="0")
    assert eventdesk("db", "upgrade", env=env).returncode == 0
    add_event(database_url(env))
    log = tmp_path / "serve.log"
    process = start_serve(env, port, log)
    try:
        wait_until_up(base, process, log)
        yield process, base, log
    finally:
        stop(process)
        empty_postgres()


def mail_worker(serve_pid: int, *, not_pid: int | None = None, timeout: float = 30) -> int:
    """Wait for the mail worker process that `eventdesk serve` started; return its pid."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid, command in children(serve_pid).items():
            if " worker --parent-pid " in command and pid != not_pid:
                return pid
        time.sleep(0.1)
    raise AssertionError("no mail worker process")


def wait_for(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_killed_mail_worker_is_restarted_and_the_mail_arrives(served, smtp):
    process, base, log = served
    first = mail_worker(process.pid)
    status, body = get(base, "/healthz")
    assert status == 200 and json.loads(body)["database"] == "ok"
    assert wait_for(lambda: json.loads(get(base, "/healthz")[1])["worker"]["last_pass_at"])

    os.kill(first, signal.SIGKILL)
    second = mail_worker(process.pid, not_pid=first)
    assert second != first
    assert register_over_http(base, "jubileum", name="Zoë de Vries",
                              email="zoe@example.org") == 302
    assert wait_for(lambda: any("zoe@example.org" in m.rcpt_tos for m in smtp.received)), (
        log.read_text())
    output = log.read_text()
    assert f"mail worker pid {first} stopped" in output and "restarting it in 1 s" in output
    assert f"mail worker restarted as pid {second}" in output
    # One access line per request, with its duration; one line per mail sent.
    assert '"POST /events/jubileum/register HTTP/1.1" 302' in output
    assert "ms " in output.split("/register HTTP/1.1", 1)[1].splitlines()[0]
    assert wait_for(lambda: "eventdesk.mail: mail 1 sent" in log.read_text())


def test_health_shows_queued_mail_and_the_last_pass(served):
    process, base, log = served
    status, body = get(base, "/healthz")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok" and health["mail"] == "ok"
    assert health["outbox"] == {"queued": 0, "failed": 0, "oldest_queued_seconds": None}


def test_the_demo_prints_its_links_once_they_work_and_keeps_a_given_key(tmp_path):
    port = free_port()
    env = operator_env(tmp_path / "instance")
    del env["EVENTDESK_BASE_URL"]
    env.pop("DATABASE_URL", None)  # the demo's own SQLite file, on any test database
    log = tmp_path / "demo.log"
    process = start_serve(env, port, log, "--demo")
    try:
        assert wait_for(lambda: "Demo event:" in log.read_text(), timeout=60), log.read_text()
        link = next(line.split()[-1] for line in log.read_text().splitlines()
                    if "Demo event:" in line)
        # Printed once the server listens: the link answers at once.
        assert get(link.split("/events/")[0], "/events/" + link.split("/events/")[1])[0] == 200
    finally:
        stop(process)
    # EVENTDESK_SECRET_KEY was set: no key of the demo's own was written.
    assert not (tmp_path / "instance" / "demo_secret_key").exists()
    assert (tmp_path / "instance" / "eventdesk.sqlite").exists()


def test_a_busy_port_is_named_with_how_to_choose_another(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = operator_env(tmp_path / "instance")
        result = eventdesk("serve", "--demo", "--port", str(port), env=env)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"Error: Port {port} on 127.0.0.1 is taken by another program: choose another, "
        f"e.g. make demo PORT={port + 1}")
