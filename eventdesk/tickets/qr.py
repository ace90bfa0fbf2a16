"""QR images of ticket codes, sized for scanning from a phone screen.

``qrcode`` picks the best of the eight mask patterns by placing the data eight
times and scoring each result in pure Python; that was most of the time it
takes to render a ticket mail. Here the data is placed once, the other masks
are applied as XORs on bit rows, and the score is computed on strings. The
chosen mask, and so the image, is exactly the one ``qrcode`` picks (a test
checks that).
"""

import functools
import io
import re

import qrcode
from PIL import Image
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M

_RUN = re.compile(r"0{5,}|1{5,}")
# A finder-like 1:1:3:1:1 pattern with four light modules before or after it.
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")


def mask_penalty(rows: list[str]) -> int:
    """Score a masked symbol by the penalty rules of ISO/IEC 18004 (lower is better).

    ``rows`` are strings of "1" (dark) and "0"; the score equals
    ``qrcode.util.lost_point`` of the same modules.
    """
    size = len(rows)
    # All rows and columns in one string; the commas keep runs and patterns apart.
    lines = ",".join(rows + ["".join(column) for column in zip(*rows, strict=True)])
    # Rule 1: runs of five or more modules of one colour.
    penalty = sum(len(run) - 2 for run in _RUN.findall(lines))
    # Rule 2: 2x2 blocks of one colour.
    full = (1 << size) - 1
    bits = [int(row, 2) for row in rows]
    for upper, lower in zip(bits, bits[1:], strict=False):
        same_across = ~(upper ^ (upper >> 1)) & (full >> 1)
        same_down = ~(upper ^ lower) & full
        penalty += 3 * bin(same_across & same_down & (same_down >> 1)).count("1")
    # Rule 3: patterns that look like a finder.
    penalty += 40 * len(_FINDER_LIKE.findall(lines))
    # Rule 4: every 5% away from half dark.
    dark = sum(row.count("1") for row in rows)
    return penalty + 10 * int(abs(dark * 100 / size**2 - 50) / 5)


@functools.cache
def _mask_flips(version: int) -> tuple[tuple[int, ...], ...]:
    """Return, per mask pattern and row, the bits of the data modules the mask inverts."""
    probe = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    size = probe.modules_count = version * 4 + 17
    probe.modules = [[None] * size for _ in range(size)]
    for row, col in ((0, 0), (size - 7, 0), (0, size - 7)):
        probe.setup_position_probe_pattern(row, col)
    probe.setup_position_adjust_pattern()
    probe.setup_timing_pattern()
    probe.setup_type_info(True, 0)
    if version >= 7:
        probe.setup_type_number(True)
    # What is still empty is where the data goes.
    flips = []
    for pattern in range(8):
        inverts = util.mask_func(pattern)
        flips.append(
            tuple(
                sum(
                    1 << (size - 1 - col)
                    for col in range(size)
                    if probe.modules[row][col] is None and inverts(row, col)
                )
                for row in range(size)
            )
        )
    return tuple(flips)


@functools.cache
def _fixed_dark(version: int) -> tuple[tuple[int, ...], ...]:
    """Return, per mask pattern and row, the dark modules of format and version information.

    Placing data in qrcode's test mode leaves these light; OR-ing them in
    gives the finished symbol.
    """
    probe = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    size = probe.modules_count = version * 4 + 17
    rows = []
    for pattern in range(8):
        probe.modules = [[None] * size for _ in range(size)]
        probe.setup_type_info(False, pattern)
        if version >= 7:
            probe.setup_type_number(False)
        rows.append(
            tuple(
                sum(1 << (size - 1 - col) for col in range(size) if probe.modules[row][col])
                for row in range(size)
            )
        )
    return tuple(rows)


def qr_rows(code: str) -> list[int]:
    """Return the rows of ``code``'s QR symbol as bits, dark = 1, without quiet zone.

    Error correction M and the mask pattern with the lowest penalty, as
    ``qrcode`` chooses it.
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    qr.add_data(code)
    qr.best_fit()
    # Place the data once, under mask 0; the other masks follow by XOR.
    qr.makeImpl(True, 0)
    size = qr.modules_count
    flips = _mask_flips(qr.version)
    masked = [int("".join("1" if dark else "0" for dark in row), 2) for row in qr.modules]
    plain = [row ^ flip for row, flip in zip(masked, flips[0], strict=True)]
    candidates = [
        [row ^ flip for row, flip in zip(plain, flips[pattern], strict=True)]
        for pattern in range(8)
    ]
    scores = [mask_penalty([format(row, f"0{size}b") for row in rows]) for rows in candidates]
    best = scores.index(min(scores))
    fixed = _fixed_dark(qr.version)[best]
    return [row | dark for row, dark in zip(candidates[best], fixed, strict=True)]


def qr_matrix(code: str, *, border: int = 4) -> list[list[bool]]:
    """Return the modules of ``code``'s QR symbol as booleans, quiet zone included."""
    rows = qr_rows(code)
    width = len(rows) + 2 * border
    lines = [format(row << border, f"0{width}b") for row in rows]
    blank = [[False] * width for _ in range(border)]
    return blank + [[bit == "1" for bit in line] for line in lines] + [r[:] for r in blank]


def qr_png(code: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """Return a PNG of ``code``: error correction M, 4-module quiet zone, 10 px a module."""
    rows = qr_rows(code)
    width = len(rows) + 2 * border
    stride = (width + 7) // 8
    pad = stride * 8 - width
    full = (1 << width) - 1
    # A 1-bit image, one pixel per module, packed as PIL reads it (1 = white).
    lines = [full] * border + [~(row << border) & full for row in rows] + [full] * border
    packed = b"".join((line << pad).to_bytes(stride, "big") for line in lines)
    image = Image.frombytes("1", (width, width), packed)
    # Scaled up without smoothing: the same picture as drawing each module.
    image = image.resize((width * box_size, width * box_size), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
