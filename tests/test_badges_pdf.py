"""Badge PDFs read back: every guest once, names whole, inside the page, QR codes that scan."""

import pytest
import zxingcpp
from badge_helpers import pages_text, qr_images, render_pages, text_origins

from eventdesk.badges import text as fitting
from eventdesk.badges.layouts import LAYOUTS
from eventdesk.badges.rendering import BadgeData, render
from eventdesk.badges.service import surname_key
from eventdesk.registration.codes import new_ticket_code

NAMES = [
    ("Zoë de Vries", "Tata Steel"),
    ("Jean-François Lefèvre", "École Polytechnique"),
    ("Łukasz Żółć", ""),
    ("山田太郎", "株式会社テスト"),
    ("김민준", "서울대학교"),
    ("Anna-Maria van der Berg-Schoonhoven", "Gemeente 's-Hertogenbosch"),
    ("Søren Ødegård", "Ålborg Universitet"),
    ("Ιωάννης Παπαδόπουλος", "Πανεπιστήμιο Αθηνών"),
    ("Dmitri Ivanov", "Яндекс"),
]


def _badges(count, *, qr=True):
    # A number after every name tells "Zoë de Vries 1" from "Zoë de Vries 10".
    return [
        BadgeData(
            name=f"{NAMES[i % len(NAMES)][0]} {i}",
            organisation=NAMES[i % len(NAMES)][1],
            event_title="10 jaar Techport",
            ticket_code=new_ticket_code() if qr else None,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_guest_is_on_exactly_one_badge_with_the_name_intact(layout):
    badges = _badges(30)
    data = render(badges, LAYOUTS[layout])
    pages = pages_text(data)
    per_page = LAYOUTS[layout].per_page
    assert len(pages) == -(-len(badges) // per_page)
    # A long name wraps onto a second line: read the words in order.
    words = " " + " ".join(" ".join(pages).split()) + " "
    for badge in badges:
        assert words.count(f" {badge.name} ") == 1, (badge.name, layout)
    assert words.count(" 10 jaar Techport ") == len(badges)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_nothing_leaves_its_badge_or_the_page(layout):
    long_name = "Maximiliaan-Alexander " * 9 + "Wolfeschlegelsteinhausenbergerdorff" * 2
    badges = [
        BadgeData(long_name[:200], "O" * 200, "A very long event title " * 10, new_ticket_code()),
        BadgeData("W" * 200, "", "Jubileum", new_ticket_code()),
        BadgeData("مريم العلي", "جامعة القاهرة", "Jubileum", None),
        BadgeData("שרה כהן", "", "Jubileum", new_ticket_code()),
    ]
    geometry = LAYOUTS[layout]
    placements = []
    data = render(badges, geometry, placements=placements)
    assert {p.badge for p in placements if p.kind == "name"} == {0, 1, 2, 3}
    for placed in placements:
        left, top = geometry.origin(placed.badge)
        pad = geometry.padding - 0.01
        assert placed.x >= left + pad, placed
        assert placed.y >= top + pad, placed
        assert placed.x + placed.width <= left + geometry.badge_width - pad, placed
        assert placed.y + placed.height <= top + geometry.badge_height - pad, placed
    # The PDF itself: every text run starts inside the page.
    origins = text_origins(data)
    assert origins
    for _page, x, y, width, height, _text in origins:
        assert 0 <= x <= width and 0 <= y <= height


def test_a_name_of_200_characters_wraps_whole_where_it_fits_and_never_overflows():
    name = " ".join(["Bartholomeus"] * 15)[:200]
    placements = []
    render([BadgeData(name, "", "Jubileum", None)], LAYOUTS["a4-2x4"], placements=placements)
    drawn = " ".join(p.text for p in placements if p.kind == "name")
    assert drawn == name


def test_rtl_and_cjk_text_is_drawn_with_its_own_letters():
    data = render(
        [BadgeData("מרים כהן", "", "Jubileum", None), BadgeData("山田太郎", "株式会社", "J", None)],
        LAYOUTS["label-62"],
    )
    first, second = pages_text(data)
    assert set("מריםכהן") <= set(first)
    assert "山田太郎" in second and "株式会社" in second


def test_the_badge_qr_decodes_to_the_ticket_code(tmp_path):
    badges = _badges(3)
    data = render(badges, LAYOUTS["a4-3x8"])
    images = qr_images(data)
    assert [zxingcpp.read_barcode(image).text for image in images] == [
        badge.ticket_code for badge in badges
    ]
    # And as printed: the rendered page, where poppler is installed.
    pages = render_pages(data, tmp_path)
    if pages:
        found = {result.text for result in zxingcpp.read_barcodes(pages[0])}
        assert found == {badge.ticket_code for badge in badges}


def test_no_qr_when_switched_off():
    assert qr_images(render(_badges(2, qr=False), LAYOUTS["a4-2x4"])) == []


def test_fitting_shrinks_then_wraps_and_ends_in_an_ellipsis():
    def measure(text):
        return len(text) * 0.2  # 0.2 mm a character at 1 pt

    one = fitting.fit(measure, "Ada Lovelace", width=60, height=20, max_size=20, min_size=6)
    assert one.lines == ("Ada Lovelace",) and one.size == 20
    shrunk = fitting.fit(measure, "Ada Lovelace Byron", width=60, height=20, max_size=20,
                         min_size=6)
    assert len(shrunk.lines) == 1 and shrunk.size < 20
    wrapped = fitting.fit(measure, "Ada " * 20, width=60, height=20, max_size=20, min_size=6)
    assert len(wrapped.lines) > 1
    assert all(measure(line) * wrapped.size <= 60 for line in wrapped.lines)
    cut = fitting.fit(measure, "x" * 2000, width=60, height=5, max_size=20, min_size=6)
    assert cut.lines[-1].endswith(fitting.ELLIPSIS)
    assert cut.height <= 5 or len(cut.lines) == 1


def test_surnames_are_filed_without_their_particles():
    names = ["Jan de Vries", "Émile Zola", "Anna van den Berg", "Bob Adams", "Cher"]
    assert sorted(names, key=surname_key) == [
        "Bob Adams", "Anna van den Berg", "Cher", "Jan de Vries", "Émile Zola"
    ]
