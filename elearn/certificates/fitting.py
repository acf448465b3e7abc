"""Fit one piece of text into a width: shrink it a little, else wrap it onto two lines, else cut it.

Sizes are in points and measured with the certificate fonts' real advance widths, so a
fitted line never runs past ``width`` when drawn with the returned size. The text should
already be printable (one line, see :func:`elearn.certificates.fonts.printable`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics

from elearn.certificates.fonts import register_fonts

__all__ = ["ELLIPSIS", "Fitted", "fit_text", "text_width"]

ELLIPSIS = "\u2026"
# A line may shrink to this share of its size before it is wrapped onto two lines instead:
# short overruns stay on one line, long ones keep a readable size.
SHRINK_BEFORE_WRAP = 0.85


@dataclass(frozen=True)
class Fitted:
    """Lines to draw (one or two) and the font size that makes each fit."""

    lines: tuple[str, ...]
    size: float


def text_width(text: str, font: str, size: float) -> float:
    """Advance width of ``text`` in points, in one of the certificate fonts."""
    register_fonts()  # a no-op after the first call; measuring needs the fonts' metrics
    return float(pdfmetrics.stringWidth(text, font, size))


def fit_text(text: str, font: str, size: float, width: float, *, min_size: float, max_lines: int = 2) -> Fitted:
    """Fit ``text`` into ``width`` at most at ``size``, never below ``min_size``, on up to ``max_lines`` (1 or 2).

    Text that still does not fit at ``min_size`` on its lines is cut with an ellipsis.
    """
    natural = text_width(text, font, size)
    if natural <= width:
        return Fitted((text,), size)
    one_line = _round_down(size * width / natural)
    if max_lines == 1 or one_line >= size * SHRINK_BEFORE_WRAP:
        if one_line >= min_size:
            return Fitted((text,), one_line)
        if max_lines == 1:
            return Fitted((_truncate(text, font, min_size, width),), min_size)
    lines = _balanced_split(text, font, size)
    widest = max(text_width(line, font, size) for line in lines)
    two_lines = min(size, _round_down(size * width / widest))
    if two_lines >= min_size:
        return Fitted(lines, two_lines)
    first, rest = _fill_line(text, font, min_size, width)
    return Fitted((first, _truncate(rest, font, min_size, width)), min_size)


def _round_down(size: float) -> float:
    """Round a size down to a tenth of a point (a tidy number that still fits)."""
    return math.floor(size * 10) / 10


def _balanced_split(text: str, font: str, size: float) -> tuple[str, ...]:
    """Split ``text`` in two where the wider half is narrowest: at a space, or mid-word when it has none."""
    words = text.split(" ")
    if len(words) > 1:
        candidates = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    else:
        candidates = [(text[:i], text[i:]) for i in range(1, len(text))]
    if not candidates:
        return (text,)
    return min(candidates, key=lambda pair: max(text_width(part, font, size) for part in pair))


def _fill_line(text: str, font: str, size: float, width: float) -> tuple[str, str]:
    """Split ``text`` into the most words that fit on one line and the rest."""
    words = text.split(" ")
    if text_width(words[0], font, size) > width:
        cut = _longest_prefix(text, font, size, width, "")
        return text[:cut], text[cut:].lstrip()
    count = 1
    while count < len(words) and text_width(" ".join(words[: count + 1]), font, size) <= width:
        count += 1
    return " ".join(words[:count]), " ".join(words[count:])


def _truncate(text: str, font: str, size: float, width: float) -> str:
    """``text`` itself when it fits, else its longest prefix that fits with an ellipsis after it."""
    if text_width(text, font, size) <= width:
        return text
    cut = _longest_prefix(text, font, size, width, ELLIPSIS)
    return text[:cut].rstrip() + ELLIPSIS


def _longest_prefix(text: str, font: str, size: float, width: float, suffix: str) -> int:
    """Length of the longest prefix of ``text`` that fits in ``width`` with ``suffix`` after it (at least 1)."""
    low, high = 1, len(text)
    while low < high:  # widths grow with the prefix, so a binary search finds the edge
        middle = (low + high + 1) // 2
        if text_width(text[:middle] + suffix, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low
