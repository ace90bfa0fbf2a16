"""Every English string has Dutch, and the compiled catalogue matches the source."""

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "eventdesk" / "translations" / "nl" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")]


def extracted_ids() -> set[str]:
    ids = set()
    for folder in ("eventdesk", "templates"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, METHODS, keywords=KEYWORDS):
            ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def dutch():
    with open(CATALOGUE / "messages.po", "rb") as source:
        return read_po(source, locale="nl")


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_every_string_has_a_dutch_translation():
    catalogue = dutch()
    missing = sorted(
        msgid
        for msgid in extracted_ids()
        if (m := catalogue.get(msgid)) is None or not translated(m)
    )
    assert missing == [], "run `make translations` and translate:\n" + "\n".join(missing)


def test_compiled_catalogue_is_up_to_date():
    compiled = io.BytesIO()
    write_mo(compiled, dutch())
    compiled.seek(0)
    with open(CATALOGUE / "messages.mo", "rb") as shipped:
        expected = messages(read_mo(compiled))
        actual = messages(read_mo(shipped))
    assert actual == expected, "run `make translations` to compile the catalogue"


def messages(catalogue) -> dict:
    """Return a catalogue's translations, plural forms as tuples so they can be keys."""
    def key(value):
        return value if isinstance(value, str) else tuple(value)

    return {key(m.id): key(m.string) for m in catalogue if m.id}
