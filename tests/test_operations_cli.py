"""The command line as an operator runs it: the installed ``eventdesk`` script in a
subprocess, configured by environment variables, on a real database.

Every command in the README's table runs here; setup mistakes end in one line.
"""

import csv

import pytest
from operator_helpers import (
    POSTGRES_URL,
    add_event,
    database_url,
    empty_postgres,
    eventdesk,
    operator_env,
)
from sqlalchemy import create_engine, text

COMMANDS = [
    ["db", "upgrade"],
    ["create-user", "--email", "boss@example.org", "--password", "long-enough-pw"],
    ["worker", "--once"],
    ["resend-tickets", "jubileum"],
    ["door-token", "jubileum", "Hoofdingang"],
    ["export", "jubileum"],
    ["invite", "jubileum", "invitees.csv"],
    ["privacy-purge"],
    ["backup"],
    ["restore", "backup.sqlite"],
    ["serve", "--port", "1"],
]


@pytest.fixture
def env(tmp_path):
    """An operator's environment with a data folder that does not exist yet."""
    empty_postgres()
    yield operator_env(tmp_path / "data" / "instance")
    empty_postgres()


def one_line_error(result) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_help_works_without_any_configuration(tmp_path):
    bare = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = eventdesk("--help", env=bare)
    assert result.returncode == 0 and result.stderr == ""
    for command in ("db", "serve", "create-user", "door-token", "backup", "restore"):
        assert f"\n  {command} " in result.stdout
    assert eventdesk("db", "--help", env=bare).returncode == 0
    assert eventdesk("create-user", "--help", env=bare).returncode == 0


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_setting_is_one_line_saying_what_to_set(command, tmp_path):
    (tmp_path / "invitees.csv").write_text("Name,Email\nRenée,renee@example.org\n")
    (tmp_path / "backup.sqlite").write_bytes(b"")
    env = operator_env(tmp_path / "instance")
    del env["EVENTDESK_SECRET_KEY"]
    result = eventdesk(*command, env=env, cwd=tmp_path)
    assert "EVENTDESK_SECRET_KEY" in one_line_error(result)
    env = operator_env(tmp_path / "instance")
    del env["EVENTDESK_BASE_URL"]
    assert "EVENTDESK_BASE_URL" in one_line_error(eventdesk(*command, env=env, cwd=tmp_path))


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path):
    env = operator_env(tmp_path, DATABASE_URL="sqlite:////dev/null/eventdesk.sqlite")
    for command in (["db", "upgrade"], ["create-user", "--email", "a@example.org"]):
        assert "/dev/null" in one_line_error(eventdesk(*command, env=env))


def test_every_command_of_the_readme_from_an_empty_data_folder(env, tmp_path, smtp):
    instance = tmp_path / "data" / "instance"
    # Before the first migration: the folder is made and the operator told what to run.
    early = eventdesk("create-user", "--email", "boss@example.org", env=env)
    assert one_line_error(early).endswith("run eventdesk db upgrade")
    if not POSTGRES_URL:
        assert instance.is_dir()

    assert eventdesk("db", "upgrade", env=env).returncode == 0
    # The password asked twice on the terminal, as the README's command does.
    made = eventdesk("create-user", "--email", "Boss@Example.org", "--role", "admin",
                     env=env, input="long-enough-pw\nlong-enough-pw\n")
    assert made.returncode == 0, made.stderr
    assert "Created admin account boss@example.org." in made.stdout
    again = eventdesk("create-user", "--email", "boss@example.org", "--password", "x" * 12,
                      env=env)
    assert "exists already" in one_line_error(again)

    codes = add_event(database_url(env), guests=2)
    token = eventdesk("door-token", "jubileum", "Hoofdingang", env=env)
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().startswith("edt_") or len(token.stdout.strip()) > 20
    engine = create_engine(database_url(env))
    with engine.connect() as connection:
        doors = connection.execute(text("SELECT name, token_hash FROM doors")).all()
    assert [(name, bool(digest)) for name, digest in doors] == [("Hoofdingang", True)]
    assert "No event" in one_line_error(eventdesk("door-token", "nope", "X", env=env))

    target = tmp_path / "gasten.csv"
    exported = eventdesk("export", "jubileum", "-o", str(target), env=env)
    assert exported.returncode == 0, exported.stderr
    text_out = target.read_bytes().decode("utf-8-sig")
    assert "Gast 0" in text_out and "Gast 1" in text_out
    plain = eventdesk("export", "jubileum", "--dialect", "csv", env=env)
    assert plain.returncode == 0 and "gast1@example.org" in plain.stdout

    invitees = tmp_path / "invitees.csv"
    with invitees.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([("Name", "Email"), ("Renée Brouwer", "renee@haven.example")])
    dry = eventdesk("invite", "jubileum", str(invitees), "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    imported = eventdesk("invite", "jubileum", str(invitees), "--send", env=env)
    assert imported.returncode == 0 and "Imported 1 invitee(s)" in imported.stdout

    for command in (("export", "nope"), ("resend-tickets", "nope"),
                    ("invite", "nope", str(invitees))):
        assert one_line_error(eventdesk(*command, env=env)).endswith(
            "No event with the address 'nope'.")

    resent = eventdesk("resend-tickets", "jubileum", env=env)
    assert resent.returncode == 0 and "Queued 2 ticket mail(s)" in resent.stdout
    sent = eventdesk("worker", "--once", env={**env, "EVENTDESK_SMTP_URL": smtp.url})
    assert sent.returncode == 0, sent.stderr
    # Two first ticket mails, two resent, one invitation; one log line per mail sent.
    assert "Sent 5 message(s)." in sent.stdout
    assert sent.stderr.count(" sent") >= 5
    assert len(smtp.received) == 5
    assert any(code in m.data.decode("utf-8", "replace") for m in smtp.received for code in codes)

    purged = eventdesk("privacy-purge", env=env)
    assert purged.returncode == 0 and "Erased 0" in purged.stdout
    engine.dispose()


def test_a_schema_behind_the_code_says_run_db_upgrade(env):
    assert eventdesk("db", "upgrade", env=env).returncode == 0
    assert eventdesk("db", "downgrade", env=env).returncode == 0
    for command in (["create-user", "--email", "a@example.org"], ["export", "x"],
                    ["worker", "--once"], ["door-token", "x", "y"]):
        line = one_line_error(eventdesk(*command, env=env))
        assert line == ("Error: The database schema is behind this eventdesk: "
                        "run eventdesk db upgrade")
    assert eventdesk("db", "upgrade", env=env).returncode == 0
    assert eventdesk("privacy-purge", env=env).returncode == 0
