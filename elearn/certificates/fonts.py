"""The certificate's fonts: registered with reportlab once per process, and what they can draw.

The family is Bitstream Vera, which ships inside reportlab itself: every machine renders
the same glyphs without system fonts, and the output stays byte-for-byte reproducible.
Vera covers Latin-1 and the rest of Windows-1252 (curly quotes, dashes, Š, Ž, Œ, €),
which is enough for Indonesian names. Anything else is made printable by
:func:`printable`: a letter with a diacritic Vera lacks loses its diacritic
(``Ṣ`` -> ``S``, ``ā`` -> ``a``), invisible formatting characters are dropped, and any
other character (an emoji, a non-Latin script) becomes a visible ``?``, so that a
certificate never silently shows a name other than the one in the database.
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["BOLD", "ITALIC", "REGULAR", "REPLACEMENT", "printable", "register_fonts"]

REGULAR = "ElearnCertificate"
BOLD = "ElearnCertificate-Bold"
ITALIC = "ElearnCertificate-Italic"
BOLD_ITALIC = "ElearnCertificate-BoldItalic"
REPLACEMENT = "?"

_FONT_DIR = Path(reportlab.__file__).parent / "fonts"
_FILES = {REGULAR: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}
# Emoji skin-tone modifiers are symbols of their own; after their emoji became "?" they add nothing.
_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)

_lock = threading.Lock()
_covered: frozenset[int] = frozenset()


def register_fonts() -> frozenset[int]:
    """Register the certificate fonts once per process; return the code points all of them can draw."""
    global _covered
    if _covered:
        return _covered
    with _lock:  # two threads of one worker may render their first certificate at once
        if not _covered:
            coverage: set[int] | None = None
            for name, filename in _FILES.items():
                font = TTFont(name, str(_FONT_DIR / filename))
                pdfmetrics.registerFont(font)
                chars = {code for code in font.face.charToGlyph if code >= 0x20}
                coverage = chars if coverage is None else coverage & chars
            pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
            _covered = frozenset(coverage or ())
    return _covered


def printable(text: str) -> str:
    """Return ``text`` on one line (white space collapsed) with only characters the fonts can draw."""
    covered = register_fonts()
    parts: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        code = ord(char)
        if code in covered:
            parts.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("Zs", "Zl", "Zp", "Cc"):
            parts.append(" ")  # line breaks, tabs, exotic spaces
        elif category in ("Cf", "Mn", "Me") or code in _EMOJI_MODIFIERS:
            continue  # zero-width joiners, variation selectors, marks with nothing to sit on
        else:
            parts.append(_stripped(char, covered) or REPLACEMENT)
    return " ".join("".join(parts).split())


def _stripped(char: str, covered: frozenset[int]) -> str:
    """The drawable base letters of ``char`` without its diacritics ('' when none is drawable)."""
    base = [c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)]
    if base and all(ord(c) in covered for c in base):
        return "".join(base)
    return ""
