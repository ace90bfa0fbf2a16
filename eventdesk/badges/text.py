"""Fit a line of text into a box: shrink it, then wrap it, and never let it overflow."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Millimetres per typographic point.
PT = 25.4 / 72
LINE_HEIGHT = 1.18
ELLIPSIS = "…"
# Shrink in steps of this factor: fine enough to use the space, few enough to be quick.
STEP = 0.92
# How far a name may shrink to stay on one line before it wraps instead.
ONE_LINE_SHRINK = 0.7


@dataclass(frozen=True)
class Fitted:
    """Text broken into lines at one font size (in points)."""

    size: float
    lines: tuple[str, ...]

    @property
    def line_height(self) -> float:
        """Return the height of one line in millimetres."""
        return self.size * PT * LINE_HEIGHT

    @property
    def height(self) -> float:
        """Return the height of all lines in millimetres."""
        return len(self.lines) * self.line_height


def needs_bidi(text: str) -> bool:
    """Tell whether ``text`` holds right-to-left letters (Hebrew, Arabic, ...)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def fit(
    measure: Callable[[str], float],
    text: str,
    *,
    width: float,
    height: float,
    max_size: float,
    min_size: float,
    max_lines: int = 2,
) -> Fitted:
    """Return ``text`` at the largest size from ``max_size`` down that fits ``width`` x ``height``.

    ``measure`` gives a string's width in millimetres at 1 pt. Up to
    ``max_lines`` lines are tried at each size; at ``min_size`` as many lines
    as the height holds; what still does not fit ends in an ellipsis.
    """
    text = " ".join(text.split())
    if not text:
        return Fitted(min_size, ())
    widths: dict[str, float] = {}

    def width_of(piece: str) -> float:
        if piece not in widths:
            widths[piece] = measure(piece)
        return widths[piece]

    # One line a little smaller reads better than two lines: try that first.
    one_line_smallest = max(max_size * ONE_LINE_SHRINK, min_size)
    for allowed, smallest in ((1, one_line_smallest), (max_lines, min_size)):
        size = max_size
        while size > smallest:
            lines = _wrap(text, width / size, width_of, allowed)
            if lines is not None and len(lines) * size * PT * LINE_HEIGHT <= height:
                return Fitted(size, tuple(lines))
            size *= STEP
    size = min_size
    room = max(int(height / (size * PT * LINE_HEIGHT)), 1)
    lines = _wrap(text, width / size, width_of, None, break_words=True)
    if len(lines) > room:
        kept = lines[:room]
        kept[-1] = _shorten(kept[-1] + " " + lines[room], width / size, width_of)
        lines = kept
    return Fitted(size, tuple(lines))


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` where a line may break: at spaces, and after hyphens (glued, no space)."""
    pieces = []
    for word in text.split(" "):
        parts = re.findall(r"[^-]+-?|-", word) or [word]
        pieces.append((parts[0], False))
        pieces.extend((part, True) for part in parts[1:])
    return pieces


def _wrap(
    text: str,
    limit: float,
    width_of: Callable[[str], float],
    max_lines: int | None,
    *,
    break_words: bool = False,
) -> list[str] | None:
    """Break ``text`` greedily at spaces and hyphens into lines no wider than ``limit``.

    A word wider than a line is broken between characters only with
    ``break_words``; otherwise, or as soon as more than ``max_lines`` lines
    would be needed, the answer is None.
    """
    lines: list[str] = []
    current = ""
    for piece, glued in _pieces(text):
        candidate = (current + ("" if glued else " ") + piece) if current else piece
        if width_of(candidate) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = piece
        while width_of(current) > limit:
            if not break_words:
                return None
            cut = _longest_prefix(current, limit, width_of)
            lines.append(current[:cut])
            current = current[cut:]
        if max_lines is not None and len(lines) >= max_lines:
            return None
    lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        return None
    return lines


def _longest_prefix(word: str, limit: float, width_of: Callable[[str], float]) -> int:
    low, high = 1, len(word)  # at least one character, or the loop never ends
    while low < high:
        middle = (low + high + 1) // 2
        if width_of(word[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _shorten(line: str, limit: float, width_of: Callable[[str], float]) -> str:
    """Cut ``line`` so that it fits ``limit`` with an ellipsis at its end."""
    while line and width_of(line.rstrip() + ELLIPSIS) > limit:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS
