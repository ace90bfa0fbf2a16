"""Page and label geometry of every badge layout, in millimetres."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Layout:
    """Where the badges of one layout sit on its pages."""

    key: str
    label: object  # a lazy translated string
    page_width: float
    page_height: float
    columns: int
    rows: int
    badge_width: float
    badge_height: float
    # Space between neighbouring badges on a sheet.
    column_gap: float = 0.0
    row_gap: float = 0.0
    # Text and QR keep this far from every cut: cutters and label printers
    # are off by a millimetre or two.
    padding: float = 4.0
    # Sheets get a thin cutting line around each badge; labels come cut.
    cut_lines: bool = False

    @property
    def per_page(self) -> int:
        """Return how many badges fit on one page."""
        return self.columns * self.rows

    @property
    def is_sheet(self) -> bool:
        """Tell whether this layout puts several badges on an A4 sheet."""
        return self.per_page > 1

    def origin(self, index: int) -> tuple[float, float]:
        """Return the top-left corner of the ``index``-th badge on its page."""
        spot = index % self.per_page
        row, column = divmod(spot, self.columns)
        used_width = self.columns * self.badge_width + (self.columns - 1) * self.column_gap
        used_height = self.rows * self.badge_height + (self.rows - 1) * self.row_gap
        left = (self.page_width - used_width) / 2
        top = (self.page_height - used_height) / 2
        return (
            left + column * (self.badge_width + self.column_gap),
            top + row * (self.badge_height + self.row_gap),
        )


A4 = (210.0, 297.0)

LAYOUTS: dict[str, Layout] = {
    layout.key: layout
    for layout in (
        # Eight badges of 90 x 62 mm: room for a large name and a QR code,
        # with 12 mm page margins that every office printer reaches.
        Layout(
            "a4-2x4", _l("A4 sheet, 2 × 4 badges (90 × 62 mm)"), *A4,
            columns=2, rows=4, badge_width=90, badge_height=62,
            column_gap=6, row_gap=4, padding=5, cut_lines=True,
        ),
        # The common 24-up label sheet (70 x 37 mm, no gaps): the paper's
        # edge is the labels' edge, so the padding keeps clear of the
        # printer's unprintable margin.
        Layout(
            "a4-3x8", _l("A4 labels, 3 × 8 (70 × 37 mm)"), *A4,
            columns=3, rows=8, badge_width=70, badge_height=37, padding=4.5,
        ),
        # Label printers: the page is the label. 62 mm continuous tape cut at
        # 100 mm, and the 89 x 36 mm large address label.
        Layout(
            "label-62", _l("Label printer, 62 mm tape (100 × 62 mm)"), 100, 62,
            columns=1, rows=1, badge_width=100, badge_height=62, padding=4,
        ),
        Layout(
            "label-89x36", _l("Label printer, 89 × 36 mm label"), 89, 36,
            columns=1, rows=1, badge_width=89, badge_height=36, padding=3,
        ),
    )
}
SHEETS = tuple(key for key, layout in LAYOUTS.items() if layout.is_sheet)
LABELS = tuple(key for key, layout in LAYOUTS.items() if not layout.is_sheet)
DEFAULT_SHEET = "a4-2x4"
DEFAULT_LABEL = "label-62"


def layout_named(key: str | None, *, default: str) -> Layout:
    """Return the layout called ``key``, or the ``default`` one for an unknown name."""
    return LAYOUTS.get(key or "", LAYOUTS[default])
