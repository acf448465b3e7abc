"""GIFT text pieces: escapes, format prefixes, numbers and weights.

Shared by the GIFT reader (``gift.py``, ``gift_answers.py``) and writer
(``gift_writer.py``). Trimming uses PHP's ``trim()`` set (``WHITESPACE``),
not ``str.strip()``, because Moodle trims with it and the two must agree on
where a piece of text starts and ends.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Literal

from elearn.core.markup import markdown_to_safe_html, sanitize

TextFormat = Literal["moodle", "html", "plain", "markdown"]
FORMATS: tuple[TextFormat, ...] = ("moodle", "html", "plain", "markdown")

WHITESPACE = " \t\n\r\x0b\x0c\x00"
BLANK = "_____"
_MARKDOWN_BLANK = r"\_\_\_\_\_"  # unescaped, a line of underscores would render as <hr>

#: The character after a backslash that GIFT treats as an escape, and what it stands for.
ESCAPES: dict[str, str] = {"\\": "\\", "~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "n": "\n"}
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d*)?)%", re.ASCII)
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_MAX_EXPONENT = 100  # keeps value ± tolerance exact and far from Decimal overflow
_PRECISION = 4 * _MAX_EXPONENT


class GiftError(Exception):
    """A construct the loader refuses; ``line`` None means the question's first line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class Codec:
    """Hides escaped characters (and the missing-word blank) behind code points
    the file does not use, so structural searches for ``{ = ~ # :`` only ever
    see unescaped characters, as Moodle's placeholders do."""

    def __init__(self, source: str) -> None:
        free = _unused_code_points(source, len(ESCAPES) + 1)
        self._hidden = dict(zip(ESCAPES, free, strict=False))
        self.blank = free[-1]
        self._meaning = str.maketrans({free[i]: m for i, m in enumerate(ESCAPES.values())})
        self._written = str.maketrans({free[i]: "\\" + c for i, c in enumerate(ESCAPES)} | {self.blank: BLANK})

    def encode(self, text: str) -> str:
        """Replace every escape sequence by its placeholder."""
        return _ESCAPE_RE.sub(lambda match: self._hidden[match.group(1)], text)

    def decode(self, text: str, blank: str = BLANK) -> str:
        """Placeholders back to the characters they stand for."""
        return text.replace(self.blank, blank).translate(self._meaning)

    def source(self, text: str) -> str:
        """Placeholders back to the escapes as written (for messages and identity)."""
        return text.translate(self._written)


def _unused_code_points(text: str, count: int) -> list[str]:
    used = set(text)
    found: list[str] = []
    for start, stop in ((0xE000, 0xF900), (0xF0000, 0xFFFFE), (0x100000, 0x10FFFE)):
        for point in range(start, stop):
            if chr(point) not in used:
                found.append(chr(point))
                if len(found) == count:
                    return found
    # A file using every private-use code point: collisions only garble text, never raise.
    return found + [chr(0xE000 + i) for i in range(count - len(found))]


def shorten(text: str, limit: int = 60) -> str:
    """Text for a one-line message: white space runs as one space, long text cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_format(text: str, default: TextFormat) -> tuple[TextFormat, str]:
    """A leading ``[markdown]`` ``[html]`` ``[plain]`` or ``[moodle]`` and the rest;
    any other bracket is text (as in Moodle)."""
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end] if end > 0 else ""
        for known in FORMATS:
            if name == known:
                return known, text[end + 1 :]
    return default, text


def render(text: str, text_format: TextFormat, iframe_hosts: tuple[str, ...]) -> str:
    """Text in a GIFT format as sanitised HTML (moodle and plain keep line breaks)."""
    if text_format == "markdown":
        return markdown_to_safe_html(text, iframe_hosts=iframe_hosts)
    if text_format == "plain":
        text = html.escape(text, quote=False)
    if text_format in ("plain", "moodle"):
        text = text.replace("\n", "<br>\n")
    return sanitize(text, iframe_hosts=iframe_hosts)


@dataclass(frozen=True)
class TextReader:
    """Turns encoded pieces of one question into HTML or plain text."""

    codec: Codec
    default_format: TextFormat
    iframe_hosts: tuple[str, ...] = ()

    def html(self, encoded: str) -> str:
        """A piece honouring its own format prefix (else the question's format)."""
        text_format, body = split_format(encoded.strip(WHITESPACE), self.default_format)
        return self.render(body, text_format)

    def render(self, encoded: str, text_format: TextFormat) -> str:
        """A piece in a known format, without looking for a prefix."""
        blank = _MARKDOWN_BLANK if text_format == "markdown" else BLANK
        return render(self.codec.decode(encoded, blank).strip(WHITESPACE), text_format, self.iframe_hosts)

    def plain(self, encoded: str) -> str:
        """A piece as plain text: format prefix dropped, escapes resolved, trimmed."""
        _format, body = split_format(encoded.strip(WHITESPACE), self.default_format)
        return self.codec.decode(body).strip(WHITESPACE)

    def source(self, encoded: str) -> str:
        """A piece as written, on one short line (for messages)."""
        return shorten(self.codec.source(encoded))


def take_weight(text: str) -> tuple[Decimal | None, str]:
    """A leading ``%50%`` weight as a fraction (``0.5``) and the text after it."""
    trimmed = text.lstrip(WHITESPACE)
    match = _WEIGHT_RE.match(trimmed)
    if match is None:
        return None, text
    return percent_to_fraction(match.group(1)), trimmed[match.end() :]


def percent_to_fraction(percent: str) -> Decimal:
    """``"50"`` -> ``Decimal("0.5")``, canonical: no trailing zeros, no exponent, no -0."""
    with localcontext() as context:
        context.prec = len(percent) + 10
        fraction = Decimal(percent) / 100
        if fraction == 0:
            return Decimal(0)
        if fraction == fraction.to_integral_value():
            return Decimal(int(fraction))
        return fraction.normalize()


def fraction_to_percent(fraction: Decimal) -> str:
    """``Decimal("0.5")`` -> ``"50"``: plain digits Moodle's weight pattern accepts."""
    with localcontext() as context:
        context.prec = len(fraction.as_tuple().digits) + 10
        return format((fraction * 100).normalize(), "f")


def parse_number(text: str, what: str) -> Decimal:
    """A plain decimal number (``3.14``, ``-2``, ``1e3``), or a GiftError naming ``what``."""
    if text == "":
        raise GiftError(f"{what} is empty: write a number such as 3.14")
    if _NUMBER_RE.fullmatch(text) is None:
        hint = ' (use "." as the decimal mark)' if "," in text else ""
        raise GiftError(f'{what} "{shorten(text)}" is not a number{hint}')
    number = Decimal(text)
    exponent = number.as_tuple().exponent
    if (
        not isinstance(exponent, int)
        or abs(exponent) > 2 * _MAX_EXPONENT
        or (number != 0 and abs(number.adjusted()) > _MAX_EXPONENT)
    ):
        raise GiftError(f'{what} "{shorten(text)}" is out of range')
    return number


def spread(value: Decimal, tolerance: Decimal) -> tuple[Decimal, Decimal]:
    """``value ± |tolerance|`` as ``(low, high)``, computed exactly."""
    with localcontext() as context:
        context.prec = _PRECISION
        return value - abs(tolerance), value + abs(tolerance)
