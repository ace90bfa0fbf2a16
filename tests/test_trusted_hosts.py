"""Links come from EVENTDESK_BASE_URL alone, and requests for any other host get a 400."""

import email
from email import policy

import pytest
from mail_helpers import deliver
from sqlalchemy import func, select

from eventdesk import create_app
from eventdesk.config import ConfigError
from eventdesk.db import db
from eventdesk.mail.models import OutboxMessage
from eventdesk.registration import service


def _outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def _mail_texts() -> list[str]:
    db.session.expire_all()
    texts = []
    for raw in db.session.scalars(select(OutboxMessage.raw).order_by(OutboxMessage.id)):
        message = email.message_from_bytes(raw, policy=policy.default)
        texts.append("\n".join(part.get_content() for part in message.walk()
                               if part.get_content_maintype() == "text"))
    return texts


@pytest.fixture
def bare_env(monkeypatch):
    """No EVENTDESK_* settings from the environment of whoever runs the tests."""
    for name in ("EVENTDESK_BASE_URL", "EVENTDESK_TRUSTED_HOSTS", "EVENTDESK_DEMO"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_forged_host_gets_400_and_mails_nobody(app, client, make_event, now):
    # The reported attack: a repeat registration posted with Host: evil.example
    # mailed the real guest a genuine ticket whose manage link named evil.example.
    event = make_event(capacity=5)
    outcome = service.register(event, name="Zoë", email="zoe@example.org", now=now)
    token = outcome.registration.manage_token
    db.session.commit()
    before = _outbox_count()

    forged = client.post(
        f"/events/{event.slug}/register",
        data={"name": "Zoë", "email": "zoe@example.org", "consent": "y"},
        headers={"Host": "evil.example"},
    )

    assert forged.status_code == 400
    assert b"evil.example" not in forged.data
    assert _outbox_count() == before
    deliver(app)
    [text] = _mail_texts()
    assert "evil.example" not in text
    assert f"http://eventdesk.test/r/{token}" in text


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "eventdesk.test.evil.example",
                                  "localhost.evil.example", "a b", ""])
def test_every_other_host_is_refused(client, host):
    assert client.get("/privacy", headers={"Host": host}).status_code == 400


def test_the_base_url_host_and_the_listed_names_are_served(client):
    for host in ("eventdesk.test", "eventdesk.test:8443", "localhost", "127.0.0.1:5000"):
        assert client.get("/privacy", headers={"Host": host}).status_code == 200, host


def test_a_forwarded_host_is_checked_too(app_config):
    behind_proxy = create_app({**app_config, "PROXIES": 1})
    client = behind_proxy.test_client()
    forged = client.get("/privacy", headers={"X-Forwarded-Host": "evil.example"})
    assert forged.status_code == 400
    fine = client.get("/privacy", headers={"X-Forwarded-Host": "eventdesk.test"})
    assert fine.status_code == 200


def test_links_built_in_a_request_name_the_base_url_not_the_host(app, make_event, now):
    # 127.0.0.1 is a trusted name here, but not the site's address.
    event = make_event(capacity=5)
    with app.test_request_context("/", base_url="http://127.0.0.1:8000"):
        registration = service.register(
            event, name="Ada", email="ada@example.org", now=now
        ).registration
        token = registration.manage_token
        db.session.commit()
    [draft] = db.session.scalars(select(OutboxMessage.draft))
    assert "base_url" not in draft  # drafts no longer keep the requesting host
    deliver(app)
    [text] = _mail_texts()
    assert f"http://eventdesk.test/r/{token}" in text
    assert "127.0.0.1" not in text


def test_missing_base_url_refuses_to_start(bare_env, database_url):
    settings = {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": database_url}
    with pytest.raises(ConfigError, match="EVENTDESK_BASE_URL is not set"):
        create_app(settings)
    with pytest.raises(ConfigError, match="EVENTDESK_BASE_URL is not set"):
        create_app({**settings, "TESTING": True})
    for wrong in ("events.example.org", "ftp://events.example.org", "https://",
                  "https://events.example.org/?x=1"):
        with pytest.raises(ConfigError, match="EVENTDESK_BASE_URL must look like"):
            create_app({**settings, "BASE_URL": wrong})


def test_demo_runs_without_a_base_url(bare_env, database_url):
    demo = create_app({"DEMO": True, "SQLALCHEMY_DATABASE_URI": database_url})
    # Where `eventdesk serve --demo` listens; the command passes its own address.
    assert demo.config["BASE_URL"] == "http://127.0.0.1:5000"
    client = demo.test_client()
    for host in ("127.0.0.1:5000", "localhost:5000", "localhost"):
        assert client.get("/privacy", headers={"Host": host}).status_code == 200, host
    assert client.get("/privacy", headers={"Host": "evil.example"}).status_code == 400


def test_trusted_hosts_from_the_environment(bare_env, database_url):
    settings = {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": database_url}
    bare_env.setenv("EVENTDESK_BASE_URL", "https://events.example.org/")
    bare_env.setenv("EVENTDESK_TRUSTED_HOSTS", "tickets.example.org, .example.net")
    app = create_app(settings)
    assert app.config["BASE_URL"] == "https://events.example.org"
    assert app.config["TRUSTED_HOSTS"] == ["events.example.org", "tickets.example.org",
                                           ".example.net"]
    client = app.test_client()
    for host in ("events.example.org", "tickets.example.org", "door.example.net"):
        assert client.get("/privacy", headers={"Host": host}).status_code == 200, host
    for host in ("localhost", "example.org", "evil.example"):
        assert client.get("/privacy", headers={"Host": host}).status_code == 400, host

    bare_env.setenv("EVENTDESK_TRUSTED_HOSTS", '["tickets.example.org"]')
    assert create_app(settings).config["TRUSTED_HOSTS"] == [
        "events.example.org", "tickets.example.org"]
    bare_env.setenv("EVENTDESK_TRUSTED_HOSTS", "[1, 2]")
    with pytest.raises(ConfigError, match="EVENTDESK_TRUSTED_HOSTS"):
        create_app(settings)
