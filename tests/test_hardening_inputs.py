"""The 500s and small leaks of the hardening round, each as a test of its own.

Line breaks in one-line fields, a forged time zone, 400-digit and Unicode
numbers, '²' in an invitee list (page and command), a read-only database at
start-up, one address in NFC and NFD, the companion field that told who is
registered, and a walk-in's name left in the scan log after erasure.
"""

import re
import subprocess
import sys
import unicodedata
from datetime import timedelta
from io import BytesIO

import pytest
from backoffice import add_guest, login, make_user
from checkin_helpers import door_with_token, event_today
from mail_helpers import deliver
from sqlalchemy import func, select

from eventdesk.auth.models import Role
from eventdesk.checkin.models import Scan, ScanAction
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.inputs import has_control_characters, normalize_email, strict_int
from eventdesk.invitations.commands import invite_command
from eventdesk.invitations.models import Invitee
from eventdesk.invitations.service import add_invitee
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.organiser.privacy import erase_registration
from eventdesk.registration import service
from eventdesk.registration.models import Registration, RegistrationStatus

NFC = unicodedata.normalize("NFC", "zoë@example.org")
NFD = unicodedata.normalize("NFD", "zoë@example.org")


def count(model) -> int:
    number = db.session.scalar(select(func.count()).select_from(model))
    db.session.rollback()
    return number


def test_the_rules():
    assert has_control_characters("a\x00b", multiline=True)
    assert has_control_characters("a\nb") and not has_control_characters("a\nb", multiline=True)
    assert has_control_characters("a\u2028b") and not has_control_characters("Zoë ✓")
    assert has_control_characters("\x85")  # NEL, a C1 line break
    assert strict_int("²", minimum=0, maximum=9) is None
    assert strict_int("٣", minimum=0, maximum=9) is None
    assert strict_int("9" * 400, minimum=0, maximum=10**9) is None
    assert strict_int(" 7 ", minimum=0, maximum=9) == 7
    assert strict_int(True, minimum=0, maximum=9) is None
    assert NFC != NFD and normalize_email(NFD) == normalize_email(" ZOË@Example.ORG ") == NFC


@pytest.fixture
def organiser(app, client):
    user = make_user(Role.ADMIN, "admin@example.org")
    login(client, user)
    return user


EVENT_FORM = {"title_nl": "Jubileum", "timezone": "Europe/Amsterdam",
              "starts_at": "2031-03-01T15:00", "ends_at": "2031-03-01T18:00", "capacity": "50"}


@pytest.mark.parametrize("changes, message", [
    ({"title_nl": "Jubileum\r\nBcc: everyone@example.org"}, "single line"),
    ({"venue": "Hal\n2"}, "single line"),
    ({"timezone": "Europe/" + "A" * 300}, "time zone"),
    ({"capacity": "9" * 400}, "whole number"),
    ({"capacity": "²"}, "whole number"),
])
def test_the_event_form_refuses_what_used_to_break_it(client, organiser, changes, message):
    response = client.post("/organiser/events/new", data={**EVENT_FORM, **changes},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Event) == 0


def test_an_old_title_with_a_line_break_still_lets_the_mail_out(app, smtp, make_event, now):
    app.config["SMTP_URL"] = smtp.url
    event = make_event(title_nl="Jubileum\r\nTweede regel", title_en="Jubilee\nSecond line")
    service.register(event, name="Ada", email="ada@example.org", now=now, language="en")
    db.session.commit()
    deliver(app)
    statuses = set(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}
    [mail] = [item.message for item in smtp.received]
    assert "Jubilee Second line" in mail["Subject"]
    assert "\n" not in mail["Subject"]


def test_the_attendee_list_takes_any_page_number(client, organiser, make_event):
    event = make_event()
    for page in ("²", "٣", "9" * 400, "-1", "2"):
        response = client.get(f"/organiser/events/{event.slug}/attendees", query_string={
            "page": page})
        assert response.status_code == 200, page


def csv_with(extra_guests: str) -> bytes:
    return (f"name;email;extra guests\nAda;ada@example.org;1\n"
            f"Bob;bob@example.org;{extra_guests}\n").encode()


@pytest.mark.parametrize("extra_guests", ["²", "٣", "9" * 400, "-1"])
def test_odd_numbers_in_an_invitee_list_are_a_problem_of_that_row(
    app, client, organiser, make_event, tmp_path, extra_guests
):
    event = make_event()
    page = client.post(f"/organiser/events/{event.slug}/invitations/upload",
                       data={"file": (BytesIO(csv_with(extra_guests)), "list.csv")},
                       headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Extra guests must be a number" in page.get_data(as_text=True)

    path = tmp_path / "list.csv"
    path.write_bytes(csv_with(extra_guests))
    result = app.test_cli_runner().invoke(invite_command, [event.slug, str(path)])
    assert result.exit_code == 1, result.output
    assert "line 3: Extra guests must be a number from 0 to" in result.output
    assert "Nothing imported" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert count(Invitee) == 0


def test_a_read_only_database_at_start_up_is_one_clear_line(tmp_path):
    database = tmp_path / "eventdesk.sqlite"
    database.touch()
    env = {"PATH": "/usr/bin:/bin", "EVENTDESK_SECRET_KEY": "k" * 64,
           "EVENTDESK_BASE_URL": "https://events.example.org",
           "DATABASE_URL": f"sqlite:///file:{database}?mode=ro&uri=true"}
    result = subprocess.run([sys.executable, "-m", "eventdesk", "db", "upgrade"], env=env,
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{database} is read-only" in lines[0], result.stderr


def test_one_mailbox_in_nfc_and_nfd_registers_once(app, make_event, now):
    event = make_event()
    first = service.register(event, name="Zoë", email=NFC, now=now)
    db.session.commit()
    second = service.register(event, name="Zoë", email=NFD, now=now)
    db.session.commit()
    assert first.created and not second.created
    assert second.registration.id == first.registration.id
    assert count(Registration) == 1


def test_an_account_in_nfd_logs_in_with_nfc(app, client):
    from eventdesk.auth.accounts import create_account
    create_account(email=NFD, name="Zoë", role=Role.ADMIN, password="correct horse battery",
                   all_events=True)
    db.session.commit()
    response = client.post("/login", data={"email": NFC, "password": "correct horse battery"})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]


def test_the_companion_field_does_not_tell_who_is_registered(app, client, make_event, now):
    event = make_event()
    add_guest(event, "Carla", "carla@example.org")
    answers = {f"q_{event.questions[0].id}": "yes"}
    pages = []
    for number, companion in enumerate(["carla@example.org", "nobody@example.org"]):
        invitee = add_invitee(event, name=f"Guest {number}", email=f"guest{number}@example.org",
                              extra_guests=1, now=now)
        db.session.commit()
        response = client.post(f"/i/{invitee.token}/yes", data={
            "name": f"Guest {number}", **answers, "companion_1_name": "Plus one",
            "companion_1_email": companion}, follow_redirects=True)
        html = response.get_data(as_text=True).replace(f"Guest {number}", "GUEST")
        html = re.sub(r'nonce="[^"]+"', 'nonce="N"', html)  # fresh on every page
        pages.append((response.status_code, re.sub(r"/([ir])/[\w-]{20,}", r"/\1/T", html)))
    assert pages[0] == pages[1]  # but for the links' tokens and nonces, masked above
    companions = db.session.scalars(
        select(Registration).where(Registration.companion_of_id.is_not(None))).all()
    assert sorted(c.email for c in companions) == ["carla@example.org", "nobody@example.org"]
    assert all(c.status == RegistrationStatus.CONFIRMED for c in companions)


def test_erasing_a_walk_in_erases_the_name_in_the_scan_log(app, client, make_event, now):
    event = event_today(make_event, now)
    _, token = door_with_token(event, "Hoofdingang", now)
    response = client.post(f"/api/v1/events/{event.slug}/walkins",
                           json={"name": "Wim Walk-in", "nonce": "w1"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["status"] == "ok"
    registration = db.session.get(Registration, response.get_json()["attendee"]["id"])
    scan = db.session.scalar(select(Scan).where(Scan.action == ScanAction.WALK_IN))
    assert scan.raw_code == "Wim Walk-in"

    event.ends_at = now - timedelta(minutes=1)
    event.starts_at = now - timedelta(hours=2)
    erase_registration(registration, now=now)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Scan.raw_code).where(Scan.id == scan.id)) == ""
    assert registration.name == ""
