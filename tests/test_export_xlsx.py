"""The Excel workbook read back with openpyxl and opened by LibreOffice, headless."""

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import openpyxl
import pytest
from backoffice import add_guest, login, make_user

from eventdesk.auth.models import Role
from eventdesk.checkin.models import Door
from eventdesk.db import db
from eventdesk.events.models import Question, QuestionKind
from eventdesk.organiser.xlsx_export import sheet_name, write_workbook
from eventdesk.registration.models import RegistrationStatus

HOSTILE = '=HYPERLINK("http://x";"y")'
SOFFICE = shutil.which("soffice")


@pytest.fixture
def event(app, make_event):
    event = make_event(
        starts_at=datetime(2031, 1, 10, 15, tzinfo=UTC),
        ends_at=datetime(2031, 1, 10, 19, tzinfo=UTC),
        questions=[
            Question(position=1, kind=QuestionKind.YES_NO, label_nl="Blijf je eten?",
                     label_en="Staying for dinner?"),
            Question(position=2, kind=QuestionKind.TEXT, label_nl="Telefoon", label_en="Phone"),
            Question(position=3, kind=QuestionKind.TEXT, label_nl="=Dieet", label_en="Diet"),
        ],
    )
    dinner, phone, diet = (str(q.id) for q in event.questions)
    moment = datetime(2030, 12, 1, 9, 30, tzinfo=UTC)
    zoe = add_guest(event, "Zoë Çelik", "zoe@example.org", organisation="0612345678",
                    answers={dinner: "yes", phone: "0612345678", diet: "Vegetarisch"},
                    created_at=moment)
    add_guest(event, HOSTILE, "evil@example.org", organisation="+31 6 12345678",
              answers={dinner: "no", phone: "+31 6 12345678", diet: "@SUM(A1)"},
              created_at=moment, status=RegistrationStatus.WAITLISTED)
    add_guest(event, "Bram", "bram@example.org", answers={dinner: "yes", diet: "vegetarisch "},
              created_at=moment)
    door = Door(event=event, name="Hoofdingang")
    db.session.add(door)
    db.session.flush()
    zoe.checked_in_at = datetime(2031, 1, 10, 15, 2, 3, tzinfo=UTC)
    zoe.checked_in_door_id = door.id
    db.session.commit()
    return event


def download(client, event, language="nl") -> bytes:
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    client.get(f"/language/{language}")
    response = client.get(f"/organiser/events/{event.slug}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert f'filename={event.slug}-attendees.xlsx' in response.headers["Content-Disposition"]
    data = response.get_data()
    response.close()
    return data


def test_workbook_read_back_in_dutch(client, event):
    book = openpyxl.load_workbook(io.BytesIO(download(client, event)))
    assert book.sheetnames == ["Deelnemers", "Antwoorden"]
    sheet = book["Deelnemers"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header, zoe, evil, bram = rows
    assert header[:3] == ["Status", "Naam", "E-mailadres"]
    assert header[-3:] == ["Blijf je eten?", "Telefoon", "=Dieet"]
    assert zoe[0] == "Bevestigd" and zoe[4] == "Nederlands"
    assert zoe[-3:] == ["Ja", "0612345678", "Vegetarisch"]
    assert zoe[3] == "0612345678"  # text, so the 0 stays
    # Excel dates, naive, in the event's zone (Amsterdam, UTC+1 in winter).
    assert zoe[5] == datetime(2030, 12, 1, 10, 30)
    assert zoe[8] == datetime(2031, 1, 10, 16, 2, 3)
    assert sheet.cell(row=2, column=9).number_format == "dd-mm-yyyy hh:mm"
    assert zoe[9] == "Hoofdingang"
    assert evil[0] == "Wachtlijst" and evil[-3:] == ["Nee", "+31 6 12345678", "@SUM(A1)"]
    # Formula-looking text is stored as text, without an apostrophe.
    assert evil[1] == HOSTILE
    cells = [sheet.cell(row=3, column=2), sheet.cell(row=1, column=13)]
    assert all(cell.data_type == "s" and not cell.quotePrefix for cell in cells)
    assert bram[8] is None and bram[-2] is None

    answers = [[cell.value for cell in row] for row in book["Antwoorden"].iter_rows()]
    assert answers[0] == ["Blijf je eten?", "Bevestigde gasten"]
    assert answers[1:3] == [["Ja", 2], ["Nee", 0]]  # the waiting list holds no seat
    assert ["Vegetarisch", 2] in answers  # free text grouped, case and spaces aside


def test_workbook_in_english(client, event):
    book = openpyxl.load_workbook(io.BytesIO(download(client, event, "en")))
    assert book.sheetnames == ["Attendees", "Answers"]
    rows = [[cell.value for cell in row] for row in book["Attendees"].iter_rows(max_row=2)]
    assert rows[0][-3:] == ["Staying for dinner?", "Phone", "Diet"]
    assert rows[1][0] == "Confirmed" and rows[1][4] == "Dutch" and rows[1][-3] == "Yes"


def test_sheet_names_are_always_valid():
    assert sheet_name("Wie: [komt]/gaat?*") == "Wie   komt  gaat"
    assert len(sheet_name("x" * 40)) == 31 and sheet_name("") == "Sheet"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed here")
def test_libreoffice_shows_the_zero_and_no_apostrophe(app, event, tmp_path):
    path = tmp_path / "attendees.xlsx"
    with app.test_request_context():
        write_workbook(event, str(path), language="nl")
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "fods", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    ns = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
          "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
    table = "{" + ns["table"] + "}"
    root = ET.parse(tmp_path / "attendees.fods").getroot()
    first = root.find(".//table:table", ns)
    shown = []
    for row in first.iter(table + "table-row"):
        cells = []
        for cell in row.findall("table:table-cell", ns):
            assert cell.get(table + "formula") is None
            text = "".join("".join(p.itertext()) for p in cell.findall("text:p", ns))
            cells.extend([text] * int(cell.get(table + "number-columns-repeated", "1")))
        shown.append(cells)
    zoe, evil = shown[1], shown[2]
    assert zoe[3] == "0612345678" and zoe[11] == "0612345678"
    assert zoe[8] == "10-01-2031 16:02"
    assert evil[1] == HOSTILE and evil[11] == "+31 6 12345678" and evil[12] == "@SUM(A1)"
    assert not any(text.startswith("'") for row in shown for text in row)


def test_markup_spaces_and_control_characters_stay_text(app, event):
    guest = add_guest(event, " Ann & <Bob> ", "ann@example.org", organisation="R&D\x07 _x0041_")
    db.session.commit()
    with app.test_request_context():
        buffer = io.BytesIO()
        write_workbook(event, buffer, language="nl")
    book = openpyxl.load_workbook(buffer)
    sheet = book["Deelnemers"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[2] == guest.email)
    assert row[1] == " Ann & <Bob> "
    # Excel's own escapes: a control character as _x0007_, a literal "_x0041_" with
    # its underscore escaped, so Excel shows exactly what was typed.
    assert row[3] == "R&D_x0007_ _x005F_x0041_"
    assert sheet.auto_filter.ref == "A1:M5" and sheet.freeze_panes == "A2"
