"""The ticket QR: the symbol ``qrcode`` chooses, drawn at the GUIDE's size, and scannable."""

import io
import random
import string

import pytest
import qrcode
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from eventdesk.registration.codes import new_ticket_code
from eventdesk.tickets import qr

_random = random.Random(20260110)
SAMPLES = [
    "x",
    "ED1" + "7" * 32,
    "1" * 25,  # a numeric segment inside alphanumeric data
    "Zoë ✓ https://example.org/?a=b",
    "https://example.org/" + "y" * 200,  # version 7 and up carry version information
    "A" * 600,  # more than one block per group, interleaved
    *("".join(_random.choice(string.printable) for _ in range(_random.randint(1, 300)))
      for _ in range(8)),
]


def reference(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.best_fit()
    return code


def test_ticket_symbols_are_the_ones_qrcode_chooses():
    for data in [new_ticket_code() for _ in range(30)] + SAMPLES:
        code = reference(data)
        code.make(fit=False)
        assert qr.qr_matrix(data) == code.get_matrix(), data


def test_png_is_the_matrix_at_ten_pixels_a_module_and_scans():
    code = new_ticket_code()
    png = qr.qr_png(code)
    image = Image.open(io.BytesIO(png))
    image.verify()  # checks the chunks' CRCs
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "1"
    matrix = qr.qr_matrix(code)
    assert image.size == (len(matrix) * 10, len(matrix) * 10)
    pixels = image.convert("L").load()
    for y in range(image.size[1]):
        for x in range(image.size[0]):
            assert (pixels[x, y] == 0) == matrix[y // 10][x // 10], (x, y)
    assert len(png) < 600
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [code]


@pytest.mark.parametrize("box_size", [10, 2])  # 2: the badges' size
def test_ticket_png_is_level_m_version_2_with_a_four_module_quiet_zone(box_size):
    code = new_ticket_code()
    image = Image.open(io.BytesIO(qr.qr_png(code, box_size=box_size))).convert("L")
    (result,) = zxingcpp.read_barcodes(image)
    assert result.text == code
    assert (result.ec_level, result.extra["Version"]) == ("M", "2")
    modules = 25 + 2 * 4
    assert image.size == (modules * box_size, modules * box_size)
    quiet = 4 * box_size
    dark = [(x, y) for y in range(image.size[1]) for x in range(image.size[0])
            if image.getpixel((x, y)) == 0]
    assert min(x for x, _ in dark) == min(y for _, y in dark) == quiet
    assert max(x for x, _ in dark) == max(y for _, y in dark) == image.size[0] - quiet - 1
