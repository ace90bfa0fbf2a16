"""The Excel CSV opened by a real spreadsheet: LibreOffice Calc, headless.

Imported as Dutch Excel reads it (';' separator, '"' quotes, UTF-8), then saved
as flat ODS so the cells can be inspected: accents intact, one column per
field, and no cell turned into a formula.
"""

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from backoffice import add_guest

from eventdesk.events.models import Question, QuestionKind
from eventdesk.organiser.export import export_chunks

SOFFICE = shutil.which("soffice")
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
TABLE = "{" + NS["table"] + "}"
FORMULA = TABLE + "formula"
REPEAT = TABLE + "number-columns-repeated"

pytestmark = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed here (CI installs libreoffice-calc-nogui)",
)


def to_cells(csv_path, tmp_path) -> list[list[tuple[str, str | None]]]:
    """Convert with LibreOffice and return each row's (text, formula) cells."""
    assert SOFFICE, "CI must install libreoffice-calc-nogui (make libreoffice)"
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         # 59 = ';', 34 = '"', 76 = UTF-8, 1 = start at the first line.
         "--infilter=CSV:59,34,76,1", "--convert-to", "fods", "--outdir", str(tmp_path),
         str(csv_path)],
        check=True, capture_output=True, timeout=180,
    )
    root = ET.parse(csv_path.with_suffix(".fods")).getroot()
    rows = []
    for row in root.iter(TABLE + "table-row"):
        cells = []
        for cell in row.findall("table:table-cell", NS):
            text = "\n".join("".join(p.itertext()) for p in cell.findall("text:p", NS))
            cells.extend([(text, cell.get(FORMULA))] * int(cell.get(REPEAT, "1")))
        while cells and cells[-1] == ("", None):
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def test_libreoffice_reads_the_excel_csv_as_columns_of_text(app, make_event, tmp_path):
    event = make_event(
        starts_at=datetime(2031, 1, 10, 15, tzinfo=UTC),
        ends_at=datetime(2031, 1, 10, 19, tzinfo=UTC),
        questions=[Question(position=1, kind=QuestionKind.TEXT, label_nl="Dieet; wensen")],
    )
    diet = str(event.questions[0].id)
    add_guest(event, "Zoë Çelik", "zoe@example.org", organisation="Bakkerij Één; B.V.",
              answers={diet: "geen \"noten\""})
    add_guest(event, '=HYPERLINK("http://x";"y")', "x@example.org", organisation="=1+1",
              answers={diet: "@SUM(1;2)"})
    path = tmp_path / "attendees.csv"
    with app.test_request_context():
        path.write_bytes("".join(export_chunks(event, dialect="excel")).encode("utf-8"))
    # A control file shows that this import would evaluate a bare formula.
    control = tmp_path / "control.csv"
    control.write_bytes("\ufeff\"a\";\"=1+1\"\r\n".encode())
    assert to_cells(control, tmp_path)[0][1] == ("2", "of:=1+1")

    header, zoe, evil = to_cells(path, tmp_path)
    assert len(header) == 11 and header[-1][0] == "Dieet; wensen"
    assert [text for text, _ in zoe[1:4]] == ["Zoë Çelik", "zoe@example.org", "Bakkerij Één; B.V."]
    assert zoe[10][0] == 'geen "noten"'
    assert all(formula is None for row in (header, zoe, evil) for _, formula in row)
    assert evil[1][0] == '\'=HYPERLINK("http://x";"y")'
    assert evil[3][0] == "'=1+1"
    assert evil[10][0] == "'@SUM(1;2)"
