"""The QR symbol and PNG against ``qrcode``'s own reference implementation."""

import io
import random
import string

import pytest
import qrcode
import zxingcpp
from PIL import Image
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M

from eventdesk.tickets import qr
from eventdesk.tickets.codes import new_ticket_code

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


@pytest.mark.parametrize("data", SAMPLES)
def test_version_and_codewords_are_qrcodes(data):
    code = reference(data)
    segments = qr._segments(data)
    assert qr._fit(segments) == code.version
    expected = util.create_data(code.version, ERROR_CORRECT_M, code.data_list)
    assert list(qr._codewords(segments, code.version)) == expected


@pytest.mark.parametrize("data", SAMPLES[:6])
def test_every_mask_and_its_penalty_are_qrcodes(data):
    code = reference(data)
    layout = qr._layout(code.version)
    placed = layout.place(qr._codewords(qr._segments(data), code.version))
    for pattern in range(8):
        code.makeImpl(True, pattern)  # what qrcode scores to choose the mask
        symbol = layout.test_fixed | (placed ^ layout.flips[pattern])
        modules = [
            [bool(row >> (layout.size - 1 - col) & 1) for col in range(layout.size)]
            for row in layout.rows(symbol)
        ]
        assert modules == code.modules, pattern
        assert layout.penalty(symbol) == util.lost_point(code.modules), pattern


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
