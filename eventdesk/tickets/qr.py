"""QR images of ticket codes, sized for scanning from a phone screen.

Error correction M, a 4-module quiet zone and 10 pixels a module (GUIDE section 2),
drawn by ``qrcode`` through its public API and written as a 1-bit PNG by Pillow.
"""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage


def _symbol(code: str, *, box_size: int, border: int) -> qrcode.QRCode:
    """Return ``code`` encoded in the smallest version that holds it at level M."""
    symbol = qrcode.QRCode(
        version=None,
        error_correction=ERROR_CORRECT_M,
        box_size=box_size,
        border=border,
        image_factory=PilImage,
    )
    symbol.add_data(code)
    symbol.make(fit=True)
    return symbol


def qr_matrix(code: str, *, border: int = 4) -> list[list[bool]]:
    """Return the modules of ``code``'s QR symbol as booleans, quiet zone included."""
    return _symbol(code, box_size=1, border=border).get_matrix()


def qr_png(code: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """Return a PNG of ``code``: error correction M, 4-module quiet zone, 10 px a module."""
    image = _symbol(code, box_size=box_size, border=border).make_image()
    out = io.BytesIO()
    # Black on white is a mode "1" image: a 1-bit greyscale PNG of about 400 bytes.
    image.save(out)
    return out.getvalue()
