"""The fonts embedded in badge PDFs (see fonts/README.md for versions and licences)."""

import functools
from collections.abc import Iterable
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
MAIN = "DejaVu"
FALLBACK = "WenQuanYi"
_FILES = {
    (MAIN, ""): "DejaVuSans.ttf",
    (MAIN, "B"): "DejaVuSans-Bold.ttf",
}
_FALLBACK_FILE = "WenQuanYiMicroHei.ttf"


@functools.cache
def _main_characters() -> frozenset[int]:
    """Return the code points DejaVu Sans draws (read once per process)."""
    with TTFont(FONT_DIR / _FILES[(MAIN, "")], lazy=True) as font:
        return frozenset(font.getBestCmap())


def needs_fallback(texts: Iterable[str]) -> bool:
    """Tell whether any of ``texts`` has characters only the CJK fallback font draws."""
    covered = _main_characters()
    return any(ord(char) not in covered for text in texts for char in text if not char.isspace())


def install(pdf: FPDF, *, fallback: bool) -> None:
    """Add the badge fonts to ``pdf``; the large CJK font only when ``fallback`` is asked for."""
    for (family, style), name in _FILES.items():
        pdf.add_font(family, style, str(FONT_DIR / name))
    if fallback:
        # Loading it costs about half a second: only documents that need it pay.
        pdf.add_font(FALLBACK, "", str(FONT_DIR / _FALLBACK_FILE))
        pdf.set_fallback_fonts([FALLBACK], exact_match=False)
