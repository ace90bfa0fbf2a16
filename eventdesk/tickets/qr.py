"""QR images of ticket codes, sized for scanning from a phone screen.

The symbol is exactly the one ``qrcode`` makes (a test compares them): the
same data segments, version, codewords and mask choice. ``qrcode`` does this in
pure Python one module at a time, placing the data eight times to score each
mask; that was most of the time it takes to render a ticket mail. Here a whole
symbol is one integer (row ``r``, column ``c`` at bit ``r * stride + size - 1 - c``,
with an always-empty guard bit closing each row), the per-version tables are
built once from ``qrcode``'s own pattern code, the error correction is a
table-driven remainder, and the mask penalty is a few dozen shifts and ANDs.
"""

import functools
import struct
import zlib
from bisect import bisect_left

import qrcode
from qrcode import exceptions, util
from qrcode.base import rs_blocks
from qrcode.constants import ERROR_CORRECT_M

# The finder-like pattern of the penalty's rule 3, with its four light modules
# on one side; its mirror image covers the other side.
_FINDER_LIKE = ("10111010000", "00001011101")


class _Bits:
    """Collect bits as one integer; ``qrcode``'s ``QRData.write`` fills it."""

    __slots__ = ("value", "length")

    def __init__(self) -> None:
        self.value = self.length = 0

    def put(self, number: int, length: int) -> None:
        self.value = (self.value << length) | (number & ((1 << length) - 1))
        self.length += length


@functools.cache
def _gf_tables() -> tuple[list[int], list[int]]:
    """Return exp and log tables of GF(256) with the QR polynomial 0x11D."""
    exp, log = [0] * 512, [0] * 256
    value = 1
    for power in range(255):
        exp[power] = exp[power + 255] = value
        log[value] = power
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    return exp, log


@functools.cache
def _ec_table(ec_count: int) -> tuple[int, ...]:
    """Return, per leading byte, the generator polynomial times that byte, packed."""
    exp, log = _gf_tables()
    generator = [1]  # the product of (x - a^i), highest power first
    for i in range(ec_count):
        shifted = generator + [0]
        for j, coefficient in enumerate(generator):
            if coefficient:
                shifted[j + 1] ^= exp[log[coefficient] + i]
        generator = shifted
    table = [0]
    for factor in range(1, 256):
        packed = 0
        for coefficient in generator[1:]:
            product = exp[log[factor] + log[coefficient]] if coefficient else 0
            packed = (packed << 8) | product
        table.append(packed)
    return tuple(table)


def _error_correction(data: bytes, ec_count: int) -> bytes:
    """Return the Reed-Solomon error correction codewords of one block."""
    table = _ec_table(ec_count)
    top = 8 * (ec_count - 1)
    full = (1 << (8 * ec_count)) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder << 8) & full) ^ table[(remainder >> top) ^ byte]
    return remainder.to_bytes(ec_count, "big")


def _segments(code: str) -> list[tuple[int, int, _Bits]]:
    """Return (mode, length, data bits) of each segment, split as ``qrcode`` splits."""
    segments = []
    for chunk in util.optimal_data_chunks(code, minimum=20):
        bits = _Bits()
        chunk.write(bits)
        segments.append((chunk.mode, len(chunk), bits))
    return segments


def _fit(segments: list[tuple[int, int, _Bits]]) -> int:
    """Return the smallest version that holds the segments, as ``QRCode.best_fit``."""
    start = 1
    while True:
        sizes = util.mode_sizes_for_version(start)
        needed = sum(4 + sizes[mode] + bits.length for mode, _, bits in segments)
        version = bisect_left(util.BIT_LIMIT_TABLE[ERROR_CORRECT_M], needed, start)
        if version == 41:
            raise exceptions.DataOverflowError()
        if util.mode_sizes_for_version(version) is sizes:
            return version
        start = version


def _codewords(segments: list[tuple[int, int, _Bits]], version: int) -> bytes:
    """Return data and error correction codewords, interleaved as ``util.create_data``."""
    stream = _Bits()
    for mode, length, bits in segments:
        stream.put(mode, 4)
        stream.put(length, util.length_in_bits(mode, version))
        stream.put(bits.value, bits.length)
    blocks = rs_blocks(version, ERROR_CORRECT_M)
    limit = sum(block.data_count * 8 for block in blocks)
    if stream.length > limit:
        raise exceptions.DataOverflowError()
    stream.put(0, min(limit - stream.length, 4))  # terminator
    stream.put(0, -stream.length % 8)
    filler = bytes((util.PAD0, util.PAD1)) * limit
    data = stream.value.to_bytes(stream.length // 8, "big")
    data += filler[: limit // 8 - len(data)]
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        data_blocks.append(data[offset : offset + block.data_count])
        ec_blocks.append(_error_correction(data_blocks[-1], block.total_count - block.data_count))
        offset += block.data_count
    out = bytearray()
    for group in (data_blocks, ec_blocks):
        for i in range(max(map(len, group))):
            out.extend(block[i] for block in group if i < len(block))
    return bytes(out)


class _Layout:
    """Per-version tables: where the data goes, the fixed patterns, the masks."""

    def __init__(self, version: int) -> None:
        size = self.size = version * 4 + 17
        stride = self.stride = size + 1
        self.valid = sum(((1 << size) - 1) << (row * stride) for row in range(size))
        probe = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
        probe.modules_count = size

        # Built as "0"/"1" text and parsed once: summing one shifted 1 per
        # module costs quadratic time (and memory) in the big versions.
        self.zeros = b"0" * (size * stride)

        def index(row: int, col: int) -> int:
            return len(self.zeros) - 1 - (row * stride + size - 1 - col)

        def packed(cells) -> int:
            text = bytearray(self.zeros)
            for row, col in cells:
                text[index(row, col)] = 49  # "1"
            return int(text, 2)

        def setup(test: bool, pattern: int) -> list[list[bool | None]]:
            probe.modules = [[None] * size for _ in range(size)]
            for row, col in ((0, 0), (size - 7, 0), (0, size - 7)):
                probe.setup_position_probe_pattern(row, col)
            probe.setup_position_adjust_pattern()
            probe.setup_timing_pattern()
            probe.setup_type_info(test, pattern)
            if version >= 7:
                probe.setup_type_number(test)
            return probe.modules

        grid = setup(True, 0)
        cells = [(r, c) for r in range(size) for c in range(size)]
        # Scoring happens in qrcode's test mode: format and version information light.
        self.test_fixed = packed(cell for cell in cells if grid[cell[0]][cell[1]])
        self.final_fixed = []
        for pattern in range(8):
            grid = setup(False, pattern)
            self.final_fixed.append(packed(cell for cell in cells if grid[cell[0]][cell[1]]))
        empty = {cell for cell in cells if grid[cell[0]][cell[1]] is None}
        self.flips = []
        for pattern in range(8):
            inverts = util.mask_func(pattern)
            self.flips.append(packed(cell for cell in empty if inverts(*cell)))
        # The data modules in qrcode's map_data order: two-column strips from
        # the right, zigzagging up and down, skipping the vertical timing column.
        order, upward = [], True
        for right in range(size - 1, 0, -2):
            right -= right <= 6
            rows = range(size - 1, -1, -1) if upward else range(size)
            order += [(r, c) for r in rows for c in (right, right - 1) if (r, c) in empty]
            upward = not upward
        self.indexes = [index(r, c) for r, c in order]

    def place(self, codewords: bytes) -> int:
        """Return the data modules, unmasked, as one integer."""
        bits = format(int.from_bytes(codewords, "big"), f"0{8 * len(codewords)}b")
        text = bytearray(self.zeros)
        for position, bit in zip(self.indexes, bits, strict=False):  # remainder bits stay 0
            if bit == "1":
                text[position] = 49
        return int(text, 2)

    def penalty(self, dark: int) -> int:
        """Score a symbol by the penalty rules of ISO/IEC 18004, as ``util.lost_point``."""
        stride = self.stride
        light = ~dark & self.valid
        score = 0
        for modules in (dark, light):
            for step in (1, stride):
                # Rule 1: a run of n >= 5 modules of one colour scores n - 2,
                # that is one per window of five plus two per run.
                windows = modules
                for shift in range(1, 5):
                    windows &= modules >> (shift * step)
                score += windows.bit_count() + 2 * (windows & ~(windows << step)).bit_count()
            # Rule 2: 2x2 blocks of one colour.
            block = modules & (modules >> 1)
            score += 3 * (block & (block >> stride)).bit_count()
        # Rule 3: finder-like patterns in rows and columns.
        for step in (1, stride):
            for pattern in _FINDER_LIKE:
                found = self.valid
                for index, bit in enumerate(pattern):
                    found &= (dark if bit == "1" else light) >> (index * step)
                score += 40 * found.bit_count()
        # Rule 4: every 5% away from half dark.
        percent = float(dark.bit_count()) / (self.size**2)
        return score + 10 * int(abs(percent * 100 - 50) / 5)

    def rows(self, symbol: int) -> list[int]:
        """Split a symbol into its rows, column 0 as the highest bit."""
        full = (1 << self.size) - 1
        return [(symbol >> (row * self.stride)) & full for row in range(self.size)]


@functools.cache
def _layout(version: int) -> _Layout:
    return _Layout(version)


def qr_rows(code: str) -> list[int]:
    """Return the rows of ``code``'s QR symbol as bits, dark = 1, without quiet zone.

    Error correction M and the mask pattern with the lowest penalty, as
    ``qrcode`` chooses it.
    """
    segments = _segments(code)
    version = _fit(segments)
    layout = _layout(version)
    data = layout.place(_codewords(segments, version))
    masked = [data ^ flip for flip in layout.flips]
    scores = [layout.penalty(layout.test_fixed | symbol) for symbol in masked]
    best = scores.index(min(scores))  # the first of equals, as qrcode
    return layout.rows(layout.final_fixed[best] | masked[best])


def qr_matrix(code: str, *, border: int = 4) -> list[list[bool]]:
    """Return the modules of ``code``'s QR symbol as booleans, quiet zone included."""
    rows = qr_rows(code)
    width = len(rows) + 2 * border
    lines = [format(row << border, f"0{width}b") for row in rows]
    blank = [[False] * width for _ in range(border)]
    return blank + [[bit == "1" for bit in line] for line in lines] + [r[:] for r in blank]


@functools.cache
def _widen(box_size: int) -> tuple[int, ...]:
    """Return, per byte, its eight bits each repeated ``box_size`` times, packed."""
    table = []
    for byte in range(256):
        wide = 0
        for bit in format(byte, "08b"):
            wide = (wide << box_size) | (int(bit) * ((1 << box_size) - 1))
        table.append(wide)
    return tuple(table)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def qr_png(code: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """Return a PNG of ``code``: error correction M, 4-module quiet zone, 10 px a module."""
    rows = qr_rows(code)
    width = len(rows) + 2 * border
    pixels = width * box_size
    in_bytes = (width + 7) // 8
    out_bytes = (pixels + 7) // 8
    full = (1 << width) - 1
    widen = _widen(box_size)
    # A 1-bit greyscale image (1 = white), each module row drawn box_size times.
    lines = [full] * border + [~(row << border) & full for row in rows] + [full] * border
    scanlines = []
    for line in lines:
        wide = 0
        for byte in (line << (8 * in_bytes - width)).to_bytes(in_bytes, "big"):
            wide = (wide << (8 * box_size)) | widen[byte]
        scanline = b"\x00" + wide.to_bytes(in_bytes * box_size, "big")[:out_bytes]
        scanlines.append(scanline * box_size)
    header = struct.pack(">IIBBBBB", pixels, pixels, 1, 0, 0, 0, 0)
    # Level 4: a tenth of level 9's time, and smaller (about 420 bytes) than
    # what Pillow wrote before; level 1 would save 50 us for 150 more bytes.
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(b"".join(scanlines), 4)),
            _chunk(b"IEND", b""),
        )
    )
