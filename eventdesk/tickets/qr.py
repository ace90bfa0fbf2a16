"""QR images of ticket codes, sized for scanning from a phone screen."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_png(code: str, *, box_size: int = 10) -> bytes:
    """Return a PNG of ``code``: error correction M, a 4-module quiet zone."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(code)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
