"""QR images of ticket codes, sized for scanning from a phone screen."""

import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M


def qr_matrix(code: str) -> list[list[bool]]:
    """Return the modules of ``code``'s QR symbol (error correction M), quiet zone included."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    qr.add_data(code)
    qr.make(fit=True)
    return qr.get_matrix()


def qr_png(code: str, *, box_size: int = 10) -> bytes:
    """Return a PNG of ``code``: error correction M, 4-module quiet zone, 10 px a module."""
    matrix = qr_matrix(code)
    size = len(matrix)
    # One pixel per module, scaled up without smoothing: much faster than
    # drawing each module, and the same picture.
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (size, size), pixels).convert("1")
    image = image.resize((size * box_size, size * box_size), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
