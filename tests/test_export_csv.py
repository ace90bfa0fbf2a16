"""The attendee CSV read back with the csv module: BOM, delimiter, columns, guard."""

import csv
import io
from datetime import UTC, datetime

import pytest
from backoffice import PASSWORD, add_guest, login, make_user
from click.testing import CliRunner

from eventdesk.auth.models import Role
from eventdesk.checkin.models import Door
from eventdesk.db import db
from eventdesk.events.models import Question, QuestionKind
from eventdesk.organiser.commands import export_command
from eventdesk.organiser.export import export_chunks
from eventdesk.registration.models import RegistrationStatus
from eventdesk.spreadsheet import guard

HOSTILE = '=HYPERLINK("http://x";"y")'


@pytest.fixture
def event(app, make_event):
    event = make_event(
        starts_at=datetime(2031, 1, 10, 15, tzinfo=UTC),
        ends_at=datetime(2031, 1, 10, 19, tzinfo=UTC),
        questions=[
            Question(position=1, kind=QuestionKind.YES_NO, label_nl="Blijf je eten?",
                     label_en="Staying for dinner?"),
            Question(position=2, kind=QuestionKind.CHOICE, label_nl="Hoe kom je?",
                     label_en="How?", choices=[{"value": "bike", "nl": "Op de fiets",
                                                "en": "By bike"}]),
            Question(position=3, kind=QuestionKind.TEXT, label_nl="Dieet; allergieën",
                     label_en="Diet"),
        ],
    )
    dinner, travel, diet = (str(q.id) for q in event.questions)
    moment = datetime(2030, 12, 1, 9, 30, tzinfo=UTC)
    zoe = add_guest(event, "Zoë Çelik-d'Arc", "zoe@example.org", organisation="Tata Steel",
                    answers={dinner: "yes", travel: "bike", diet: "noten,\n\"geen\" gluten"},
                    created_at=moment)
    add_guest(event, HOSTILE, "evil@example.org", organisation="+31 6 12345678", created_at=moment,
              answers={diet: "@SUM(A1)"}, status=RegistrationStatus.WAITLISTED)
    door = Door(event=event, name="Hoofdingang")
    db.session.add(door)
    db.session.flush()
    zoe.checked_in_at = datetime(2031, 1, 10, 15, 2, 3, tzinfo=UTC)
    zoe.checked_in_door_id = door.id
    db.session.commit()
    return event


def read(raw: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def download(client, event, dialect=None) -> bytes:
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    client.get("/language/en")
    query = f"?dialect={dialect}" if dialect else ""
    response = client.get(f"/organiser/events/{event.slug}/export.csv{query}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data()


def test_excel_dialect_bytes(client, event):
    raw = download(client, event)
    assert raw.startswith(b"\xef\xbb\xbf\"")  # BOM, and no sep= line
    assert b"sep=" not in raw
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and len(lines) == 4  # header, two guests, CRLF after each
    # Every field is quoted: each line starts and ends with a quote.
    for line in lines[:-1]:
        line = line.removeprefix(b"\xef\xbb\xbf")
        if line:
            assert line.startswith(b'"'), line


def test_excel_dialect_read_back(client, event):
    rows = read(download(client, event), ";")
    header, zoe, evil = rows
    assert header == [
        "Status", "Name", "Email address", "Organisation", "Language", "Registered at",
        "Confirmed at", "Cancelled at", "Checked in at", "Door",
        "Staying for dinner?", "How?", "Diet",
    ]
    assert len(zoe) == len(evil) == len(header) == 13
    assert zoe[0] == "Confirmed"
    assert zoe[1] == "Zoë Çelik-d'Arc"
    assert zoe[3] == "Tata Steel"
    # ISO 8601 in the event's zone (Amsterdam, UTC+1 in winter).
    assert zoe[5] == "2030-12-01T10:30:00+01:00"
    assert zoe[8] == "2031-01-10T16:02:03+01:00"
    assert zoe[9] == "Hoofdingang"
    assert zoe[10:] == ["Yes", "By bike", 'noten,\n"geen" gluten']
    # The formula guard: the cells start with a quote mark and stay text.
    assert evil[1] == "'" + HOSTILE
    assert evil[3] == "+31 6 12345678"  # a phone number: nothing to run, kept as typed
    assert evil[12] == "'@SUM(A1)"
    assert evil[0] == "Waiting list" and evil[8] == "" and evil[9] == ""


def test_plain_comma_dialect(client, event):
    raw = download(client, event, "csv")
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = read(raw, ",")
    assert len(rows) == 3 and len(rows[0]) == 13
    assert rows[2][1] == "'" + HOSTILE
    assert [rows[1][0], rows[2][0]] == ["confirmed", "waitlisted"]  # codes, for scripts


def test_unknown_dialect_is_a_400(client, event):
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    assert client.get(f"/organiser/events/{event.slug}/export.csv?dialect=xls").status_code == 400


@pytest.mark.parametrize("value", ["=1+1", "+A1", "-1+cmd|' /C calc'!A0", "@x", "\tx", "\rx",
                                   "\nx", "+1 (x)", "-2-HYPERLINK(1)", "+31\n=1"])
def test_guard_neutralises_every_formula_start(value):
    assert guard(value) == "'" + value


@pytest.mark.parametrize("value", ["+31 6 12345678", "+31 (0)6-1234.5678", "-5", "+1/2"])
def test_guard_leaves_phone_numbers_alone(value):
    assert guard(value) == value


def test_guard_leaves_ordinary_text():
    assert guard("Zoë") == "Zoë" and guard("") == "" and guard(None) == ""
    assert guard("a=b") == "a=b"


def test_cli_export_to_file_and_stdout(app, event, tmp_path):
    runner = CliRunner()
    target = tmp_path / "guests.csv"
    result = runner.invoke(export_command, [event.slug, "-o", str(target)])
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert read(raw, ";")[1][1] == "Zoë Çelik-d'Arc"

    result = runner.invoke(export_command, [event.slug, "--dialect", "csv", "--language", "en"])
    assert result.exit_code == 0
    rows = read(result.stdout_bytes, ",")
    assert rows[0][1] == "Name" and rows[0][10] == "Staying for dinner?"
    assert rows[1][10] == "Yes"

    result = runner.invoke(export_command, ["no-such-event"])
    assert result.exit_code != 0 and "No event" in result.output


def test_local_times_across_daylight_saving_and_from_either_driver():
    from zoneinfo import ZoneInfo

    from eventdesk.organiser.export import _LocalTimes

    when = _LocalTimes(ZoneInfo("Europe/Amsterdam"))
    # Summer time starts on 30 March 2031 at 01:00 UTC.
    assert when("2031-03-30 00:59:59.999999") == "2031-03-30T01:59:59+01:00"
    assert when("2031-03-30 01:00:00.000000") == "2031-03-30T03:00:00+02:00"
    assert when("2031-03-30 00:59:00.000000") == "2031-03-30T01:59:00+01:00"
    assert when(datetime(2031, 7, 1, 12, tzinfo=UTC)) == "2031-07-01T14:00:00+02:00"
    assert when(None) == ""
    india = _LocalTimes(ZoneInfo("Asia/Kolkata"))
    assert india("2031-01-10 15:00:00") == "2031-01-10T20:30:00+05:30"


def test_export_does_not_touch_the_event_once_streaming(app, event):
    """A streamed response outlives the request's session; the event is detached by then."""
    with app.test_request_context():
        chunks = export_chunks(event, dialect="excel")
        db.session.remove()
        text = "".join(chunks)
    assert text.count("\r\n") == 3 and "Hoofdingang" in text


def test_streamed_download_through_a_real_server(app, event, live_server):
    import urllib.request
    from http.cookiejar import CookieJar

    make_user(Role.ADMIN, "admin@example.org")
    db.session.rollback()  # leave the SQLite file unlocked for the server thread
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    login = urllib.parse.urlencode({"email": "admin@example.org", "password": PASSWORD}).encode()
    opener.open(f"{live_server}/login", data=login, timeout=30)
    with opener.open(f"{live_server}/organiser/events/{event.slug}/export.csv", timeout=30) as r:
        assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
        rows = read(r.read(), ";")
    assert len(rows) == 3 and rows[1][1] == "Zoë Çelik-d'Arc"


def test_invitation_only_event_adds_answer_and_companion_columns(app, make_event):
    from eventdesk.invitations.models import Answer, Invitee

    event = make_event(invitation_only=True, questions=[])
    ank = add_guest(event, "Ank", "ank@example.org")
    partner = add_guest(event, "=Partner", "p@example.org")
    partner.companion_of_id = ank.id
    db.session.add(Invitee(event=event, name="Ank", email="ank@example.org",
                           email_normalized="ank@example.org", answer=Answer.YES,
                           registration_id=ank.id))
    db.session.commit()
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        rows = read("".join(export_chunks(event, dialect="csv")).encode(), ",")
    assert rows[0][-2:] == ["Invitation answer", "Came with"]
    assert rows[1][1] == "Ank" and rows[1][-2:] == ["yes", ""]
    assert rows[2][1] == "'=Partner" and rows[2][-2:] == ["", "Ank"]
