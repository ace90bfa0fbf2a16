"""A door link as a QR code drawn in SVG, so a volunteer's tablet can scan it off the screen."""

from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M


@dataclass(frozen=True)
class QrSvg:
    """An SVG path of the dark modules, on a square of ``size`` modules (quiet zone included)."""

    size: int
    path: str


def qr_svg(text: str) -> QrSvg:
    """Encode ``text`` and return one SVG path with a 1x1 square per dark module."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    # One run of dark modules per "M x y h w v1 h-w z": a tenth of the squares' text.
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return QrSvg(size=len(matrix), path="".join(parts))
