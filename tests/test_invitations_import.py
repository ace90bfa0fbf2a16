"""Reading invitee lists as Excel and other tools save them, and importing them."""

import csv
import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from eventdesk.db import db
from eventdesk.invitations import csvfile, service
from eventdesk.invitations.csvfile import CsvError
from eventdesk.invitations.export import csv_lines
from eventdesk.invitations.models import Invitee
from eventdesk.spreadsheet import guard


@pytest.fixture(autouse=True)
def english(app):
    """Speak English outside a request, as the command line does."""
    with force_locale("en"):
        yield


ROWS = [
    ("Naam", "E-mail", "Organisatie", "Taal", "Extra gasten", "Opmerking"),
    ("Jürgen Ødegård", "jurgen@staal.example", "Tata Stål & Co", "nl", "1", "vip"),
    ("Renée Brouwer", "renee@haven.example", "Zeehaven IJmuiden", "English", "", "—"),
    ("Café 't Hoekje", "info@hoekje.example", "Horeca; Kennemerland", "", "2", ""),
]


def excel_cp1252_semicolon(rows) -> bytes:
    """Return ``rows`` as Dutch Excel's "CSV (;)" saves them: Windows-1252, ``;``, CRLF."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    # Excel cannot write characters outside its code page; the test data stays inside it.
    return buffer.getvalue().replace("—", "-").encode("cp1252")


def excel_utf8_bom(rows, delimiter=",") -> bytes:
    """Return ``rows`` as Excel's "CSV UTF-8" saves them: BOM, CRLF."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def plain_utf8(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def excel_unicode_text(rows) -> bytes:
    """Return ``rows`` as Excel's "Unicode text": UTF-16 with BOM, tab-separated."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-16")


@pytest.mark.parametrize(
    ("make", "encoding", "delimiter"),
    [
        (excel_cp1252_semicolon, "Windows-1252", ";"),
        (excel_utf8_bom, "UTF-8", ","),
        (lambda rows: excel_utf8_bom(rows, ";"), "UTF-8", ";"),
        (plain_utf8, "UTF-8", ","),
        (excel_unicode_text, "UTF-16", "\t"),
    ],
    ids=["excel-cp1252-semicolon", "excel-utf8-bom", "utf8-bom-semicolon", "plain-utf8",
         "utf16-tabs"],
)
def test_each_dialect_reads_the_same_rows(app, make, encoding, delimiter):
    preview = csvfile.preview(make(ROWS))
    assert (preview.encoding, preview.delimiter) == (encoding, delimiter)
    assert preview.ignored_columns == ["Opmerking"]
    assert not preview.problem_rows
    read = [(r.name, r.email, r.organisation, r.language, r.extra_guests) for r in preview.rows]
    assert read == [
        ("Jürgen Ødegård", "jurgen@staal.example", "Tata Stål & Co", "nl", 1),
        ("Renée Brouwer", "renee@haven.example", "Zeehaven IJmuiden", "en", 0),
        ("Café 't Hoekje", "info@hoekje.example", "Horeca; Kennemerland", "nl", 2),
    ]


def test_problems_are_reported_per_row(app):
    data = excel_utf8_bom([
        ("name", "email", "organisation", "language", "extra guests"),
        ("Anna", "anna@example.org", "", "", ""),
        ("", "nobody@example.org", "", "", ""),
        ("Bert", "not-an-address", "", "", ""),
        ("Anna again", "ANNA@example.org ", "", "", ""),
        ("Carla", "carla@example.org", "", "de", "many"),
        ("=cmd|'/c calc'!A1", "dirk@example.org", "", "", "-1"),
    ])
    preview = csvfile.preview(data)
    problems = {row.line: " ".join(row.problems) for row in preview.rows}
    assert problems[2] == ""
    assert "name is missing" in problems[3]
    assert "not a valid email" in problems[4]
    assert "also on line 2" in problems[5]
    assert "language" in problems[6] and "Extra guests" in problems[6]
    assert "Extra guests" in problems[7]
    assert not preview.importable


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "empty"),
        (b"name;email\r\n", "no invitees"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a CSV"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "not a CSV"),
        (b"voornaam,telefoon\r\nAnna,0612345678\r\n", "name the columns"),
        (b"name;email\r\nAnna \x81\x8d;anna@example.org\r\n", "unknown character set"),
        (b"\xef\xbb\xbfname;email\r\nAnna \xff;anna@example.org\r\n", "could not be read"),
    ],
    ids=["empty", "only-bom", "header-only", "png", "xlsx", "wrong-columns", "not-cp1252",
         "bom-but-not-utf8"],
)
def test_unreadable_files_get_one_clear_error(app, data, message):
    with pytest.raises(CsvError, match=message):
        csvfile.preview(data)


def test_import_is_all_or_nothing_and_reupload_adds_no_duplicates(app, make_event, now):
    event = make_event()
    data = excel_cp1252_semicolon(ROWS)
    checked, added = service.import_upload(event, data, now=now)
    db.session.commit()
    assert added == 3

    again = service.preview_upload(event, data)
    assert len(again.known_rows) == 3 and not again.new_rows
    with pytest.raises(service.NothingToImport):
        service.import_upload(event, data, now=now)
    db.session.rollback()

    broken = excel_utf8_bom([*ROWS, ("Eva", "eva@example.org", "", "", ""), ("", "x@y.example")])
    with pytest.raises(service.NothingToImport):
        service.import_upload(event, broken, now=now)
    db.session.rollback()
    count = db.session.scalar(select(func.count()).select_from(Invitee))
    assert count == 3


def test_a_race_on_the_same_addresses_imports_nothing(app, make_event, now):
    event = make_event()
    preview = service.preview_upload(event, excel_utf8_bom(ROWS))
    # Someone adds one of the same people between the preview and the import.
    service.add_invitee(event, name="Renée", email="RENEE@haven.example", now=now)
    db.session.commit()
    with pytest.raises(service.ListChanged):
        service.import_rows(event, preview.new_rows, now=now)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Invitee)) == 1


def test_formula_cells_are_neutralised_in_the_export(app, make_event, now):
    event = make_event()
    service.add_invitee(event, name="=HYPERLINK(\"http://evil\")", email="a@example.org",
                        organisation="+31 Partners", now=now)
    service.add_invitee(event, name="@SUM(A1)", email="b@example.org", now=now)
    db.session.commit()
    text = "".join(csv_lines(event))
    assert text.startswith("\ufeff\"name\";\"email\"")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["a@example.org"][0] == "'=HYPERLINK(\"http://evil\")"
    assert by_email["a@example.org"][2] == "'+31 Partners"
    assert by_email["b@example.org"][0] == "'@SUM(A1)"
    assert [row[5] for row in rows[1:]] == ["none", "none"]
    assert guard("-A1") == "'-A1" and guard("Anna") == "Anna"


def test_five_thousand_rows_preview_quickly(app, make_event):
    event = make_event()
    rows = [("naam", "email", "organisatie")] + [
        (f"Gast {n}", f"gast{n}@partner{n % 70}.example", f"Partner {n % 70}")
        for n in range(5000)
    ]
    preview = service.preview_upload(event, excel_cp1252_semicolon(rows))
    assert len(preview.new_rows) == 5000 and preview.importable


def test_cli_imports_all_or_nothing_and_sends(app, make_event, tmp_path):
    from eventdesk.invitations.commands import invite_command
    from eventdesk.mail.models import OutboxMessage

    event = make_event()
    runner = app.test_cli_runner()
    broken = tmp_path / "broken.csv"
    broken.write_bytes(excel_cp1252_semicolon([*ROWS, ("", "x@example.org", "", "", "")]))
    result = runner.invoke(invite_command, [event.slug, str(broken)])
    assert result.exit_code == 1 and "line 5: The name is missing." in result.output
    assert db.session.scalar(select(func.count()).select_from(Invitee)) == 0

    good = tmp_path / "good.csv"
    good.write_bytes(excel_cp1252_semicolon(ROWS))
    result = runner.invoke(invite_command, [event.slug, str(good), "--send"])
    assert result.exit_code == 0, result.output
    assert "Imported 3 invitee(s)" in result.output and "Queued 3 invitation(s)" in result.output
    result = runner.invoke(invite_command, [event.slug, str(good), "--send"])
    assert "0 new, 3 invited already" in result.output
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds == ["invitation"] * 3
    result = runner.invoke(invite_command, ["no-such-event", str(good)])
    assert result.exit_code == 1 and "No event" in result.output
