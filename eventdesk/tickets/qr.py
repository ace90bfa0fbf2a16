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


class _QRCode(qrcode.QRCode):
    def best_mask_pattern(self) -> int:
        self.makeImpl(True, 0)
        size = self.modules_count
        flips = _mask_flips(self.version)
        masked = [int("".join("1" if dark else "0" for dark in row), 2) for row in self.modules]
        plain = [row ^ flip for row, flip in zip(masked, flips[0], strict=True)]
        scores = [
            mask_penalty(
                [format(row ^ flip, f"0{size}b") for row, flip in zip(plain, flips[k], strict=True)]
            )
            for k in range(8)
        ]
        return scores.index(min(scores))


def qr_matrix(code: str) -> list[list[bool]]:
    """Return the modules of ``code``'s QR symbol (error correction M), quiet zone included."""
    qr = _QRCode(error_correction=ERROR_CORRECT_M, border=4)
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
