"""Draw badges onto PDF pages with fpdf2."""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

from eventdesk.badges import fonts
from eventdesk.badges.layouts import Layout
from eventdesk.badges.text import PT, Fitted, fit, needs_bidi
from eventdesk.tickets.qr import qr_png

# Sizes in points per layout height: a 62 mm badge has room for a 26 pt name.
_NAME_MAX_PER_MM = 0.42
_NAME_MIN = 6.0
_ORG_MAX_PER_MM = 0.2
_ORG_MIN = 5.5
_TITLE_PER_MM = 0.12
_TITLE_MIN = 5.0
_GREY = (90, 98, 110)
_CUT_GREY = (200, 204, 210)


@dataclass(frozen=True)
class BadgeData:
    """What one badge shows."""

    name: str
    organisation: str
    event_title: str
    # None: no QR code on this badge.
    ticket_code: str | None = None


@dataclass(frozen=True)
class Placement:
    """Where a line of text or the QR code landed (for checks: all inside the badge)."""

    badge: int
    kind: str
    x: float
    y: float
    width: float
    height: float
    text: str = ""


def render(
    badges: Sequence[BadgeData], layout: Layout, *, placements: list | None = None
) -> bytes:
    """Return a PDF of ``badges`` in ``layout``, in order; ``placements`` collects the boxes."""
    pdf = FPDF(unit="mm", format=(layout.page_width, layout.page_height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("eventdesk")
    fonts.install(
        pdf,
        fallback=fonts.needs_fallback(
            text for badge in badges for text in (badge.name, badge.organisation, badge.event_title)
        ),
    )
    if not badges:
        pdf.add_page()
    for index, badge in enumerate(badges):
        if index % layout.per_page == 0:
            pdf.add_page()
        _draw(pdf, layout, index, badge, placements)
    return bytes(pdf.output())


def _measure(pdf: FPDF, family: str, style: str):
    # Widths are kept for the whole document: titles, organisations and
    # name parts repeat from badge to badge, and fpdf2's measuring is slow.
    cache = pdf.__dict__.setdefault("_eventdesk_widths", {})

    def measure(text: str) -> float:
        key = (style, text)
        if key not in cache:
            pdf.set_font(family, style, 10)
            _shape_for(pdf, text)
            cache[key] = pdf.get_string_width(text) / 10
        return cache[key]

    return measure


def _shape_for(pdf: FPDF, text: str) -> None:
    # HarfBuzz shaping joins Arabic letters and fpdf2 then orders
    # right-to-left runs; it is slow, so only such text gets it.
    if needs_bidi(text):
        pdf.set_text_shaping(True)
    elif pdf.text_shaping:
        pdf.set_text_shaping(False)


def _draw(pdf: FPDF, layout: Layout, index: int, badge: BadgeData, placements) -> None:
    left, top = layout.origin(index)
    pad = layout.padding
    if layout.cut_lines:
        pdf.set_draw_color(*_CUT_GREY)
        pdf.set_line_width(0.2)
        pdf.rect(left, top, layout.badge_width, layout.badge_height)
    x, y = left + pad, top + pad
    width, height = layout.badge_width - 2 * pad, layout.badge_height - 2 * pad
    scale = layout.badge_height

    def record(kind: str, bx: float, by: float, bw: float, bh: float, text: str = "") -> None:
        placements.append(Placement(index, kind, bx, by, bw, bh, text))

    if placements is None:
        record = None

    title = fit(
        _measure(pdf, fonts.MAIN, ""), badge.event_title, width=width,
        height=max(scale * _TITLE_PER_MM, _TITLE_MIN) * PT * 1.2,
        max_size=max(scale * _TITLE_PER_MM, _TITLE_MIN), min_size=_TITLE_MIN, max_lines=1,
    )
    pdf.set_text_color(*_GREY)
    _lines(pdf, title, fonts.MAIN, "", x, y, width, "title", record)
    body_top = y + title.height + 1.5
    body_height = y + height - body_top

    text_width = width
    if badge.ticket_code:
        side = min(body_height, width * 0.4)
        qr_x, qr_y = x + width - side, y + height - side
        pdf.image(io.BytesIO(qr_png(badge.ticket_code, box_size=2)), qr_x, qr_y, side, side)
        if record is not None:
            record("qr", qr_x, qr_y, side, side, badge.ticket_code)
        text_width = width - side - 2

    org_share = 0.3 if badge.organisation.strip() else 0.0
    name = fit(
        _measure(pdf, fonts.MAIN, "B"), badge.name, width=text_width,
        height=body_height * (1 - org_share), max_size=scale * _NAME_MAX_PER_MM,
        min_size=_NAME_MIN, max_lines=2,
    )
    organisation = fit(
        _measure(pdf, fonts.MAIN, ""), badge.organisation, width=text_width,
        height=body_height - name.height - 1, max_size=scale * _ORG_MAX_PER_MM,
        min_size=_ORG_MIN, max_lines=2,
    )
    block = name.height + (1 + organisation.height if organisation.lines else 0)
    line_y = body_top + max((body_height - block) / 2, 0)
    pdf.set_text_color(0, 0, 0)
    line_y = _lines(pdf, name, fonts.MAIN, "B", x, line_y, text_width, "name", record)
    pdf.set_text_color(*_GREY)
    _lines(pdf, organisation, fonts.MAIN, "", x, line_y + 1, text_width, "organisation", record)


def _lines(pdf, fitted: Fitted, family, style, x, y, width, kind, record) -> float:
    """Draw ``fitted`` centred in ``width`` from ``y`` down; return the y below it."""
    pdf.set_font(family, style, fitted.size)
    for line in fitted.lines:
        _shape_for(pdf, line)
        pdf.set_xy(x, y)
        pdf.cell(w=width, h=fitted.line_height, text=line, align="C")
        if record is not None:
            drawn = pdf.get_string_width(line)
            record(kind, x + (width - drawn) / 2, y, drawn, fitted.line_height, line)
        y += fitted.line_height
    return y
