"""Render a certificate as one A4 landscape PDF page with reportlab.

Every word is real text (a PDF reader can search and copy it); the verification QR code
is drawn as vector squares from segno's matrix, so it stays sharp at any zoom and needs
no image library. Long values shrink, then wrap onto two lines, and only past that are
cut with an ellipsis (see :mod:`elearn.certificates.fitting`). Output is deterministic:
the same document gives the same bytes (reportlab's ``invariant`` mode fixes the dates
and the file identifier; the file's creation date is the issue date).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from elearn.certificates.document import CertificateDocument, indonesian_date
from elearn.certificates.fitting import fit_text, text_width
from elearn.certificates.fonts import BOLD, ITALIC, REGULAR, printable, register_fonts

__all__ = ["PAGE_SIZE", "render_certificate"]

PAGE_SIZE: tuple[float, float] = landscape(A4)
PAGE_WIDTH, PAGE_HEIGHT = PAGE_SIZE
CENTRE_X = PAGE_WIDTH / 2
BODY_WIDTH = PAGE_WIDTH - 2 * 95
BODY_TOP = PAGE_HEIGHT - 60
BOTTOM = 50  # baseline of the lowest lines (the URL and the signatory's NIP)
SIDE = 70  # distance of the QR code and the signature block from the page edges
SIGNATURE_WIDTH = 250
SIGNING_SPACE = 50  # room for a hand signature and stamp on a printed copy
LEADING = 1.25
QR_SIZE = 96.0
QR_QUIET_MODULES = 4  # the quiet zone the QR standard asks for around the symbol
QR_BOTTOM = BOTTOM + 20  # room for the caption and the URL under the code
QR_TOP = QR_BOTTOM + QR_SIZE

NAVY = HexColor("#1f3a5f")
GOLD = HexColor("#b08d3c")
INK = HexColor("#1e1e1e")
MUTED = HexColor("#555555")


@dataclass(frozen=True)
class _Line:
    """One centred line of the body, with the space above it."""

    text: str
    font: str
    size: float
    color: Color
    gap: float
    rule_below: bool = False


def render_certificate(doc: CertificateDocument) -> bytes:
    """Return the certificate as the bytes of a one-page A4 landscape PDF."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE_SIZE, invariant=1, pageCompression=1)
    canvas.setTitle(f"Sertifikat {doc.number}")
    canvas.setAuthor(doc.institution)
    canvas.setSubject(doc.course_title)
    canvas.setKeywords(doc.verify_url)
    canvas.setCreator("elearn")
    # invariant mode would date every file 2000-01-01; the issue date is just as fixed and true.
    issued = f"D:{doc.issued_on:%Y%m%d}000000+00'00'"
    canvas.setDateFormatter(lambda *_: issued)
    _draw_frame(canvas)
    # Laid out before drawing, so that the content stream (a reader's text order) runs top to bottom.
    signature = _signature_blocks(doc)
    _draw_body(canvas, _body_lines(doc), bottom=max(QR_TOP, _top_of(signature)) + 14)
    _draw_signature(canvas, signature)
    _draw_verification(canvas, doc.verify_url)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _body_lines(doc: CertificateDocument) -> list[_Line]:
    """The centred lines from the institution down to the completion date."""
    lines = _block(doc.institution, BOLD, 15, 10, NAVY, gap=0)
    lines += _block("SERTIFIKAT", BOLD, 36, 36, NAVY, gap=14, rule_below=True)
    lines += _block(f"Nomor: {doc.number}", REGULAR, 10.5, 8, MUTED, gap=8, max_lines=1)
    lines += _block("diberikan kepada", ITALIC, 13, 13, INK, gap=14)
    lines += _block(doc.name, BOLD, 26, 12, NAVY, gap=4)
    if doc.nip:
        lines += _block(f"NIP {doc.nip}", REGULAR, 12, 9, INK, gap=2, max_lines=1)
    if doc.position:
        lines += _block(doc.position, REGULAR, 12, 8, INK, gap=2)
    if doc.unit:
        lines += _block(_unit_path(doc.unit), REGULAR, 12, 8, INK, gap=2)
    lines += _block("telah menyelesaikan pelatihan", ITALIC, 13, 13, INK, gap=14)
    lines += _block(doc.course_title, BOLD, 19, 9, NAVY, gap=4)
    jp_line = f"kode {doc.course_code}, sebanyak {doc.jp} JP (jam pelajaran)"
    lines += _block(jp_line, REGULAR, 12, 8, INK, gap=4, max_lines=1)
    date_line = f"dan dinyatakan selesai pada tanggal {indonesian_date(doc.completed_on)}"
    lines += _block(date_line, REGULAR, 12, 8, INK, gap=2, max_lines=1)
    return lines


def _unit_path(unit: str) -> str:
    """A unit path with room around its slashes ("A / B"), so that it reads and wraps well."""
    return " / ".join(part.strip() for part in unit.split("/") if part.strip())


def _block(
    text: str,
    font: str,
    size: float,
    min_size: float,
    color: Color,
    *,
    gap: float,
    max_lines: int = 2,
    rule_below: bool = False,
) -> list[_Line]:
    """Lines of one body value fitted into the body width; only the first carries the gap."""
    fitted = fit_text(printable(text), font, size, BODY_WIDTH, min_size=min_size, max_lines=max_lines)
    return [
        _Line(line, font, fitted.size, color, gap if index == 0 else 0, rule_below and index == len(fitted.lines) - 1)
        for index, line in enumerate(fitted.lines)
    ]


def _draw_body(canvas: Canvas, lines: Sequence[_Line], *, bottom: float) -> None:
    """Draw the body from the top down, stretching or squeezing the gaps to fill the room above ``bottom``."""
    height = BODY_TOP - bottom
    text_height = sum(line.size * LEADING for line in lines)
    gaps = sum(line.gap for line in lines)
    # Short certificates spread out a little; crowded ones close their gaps before anything overlaps,
    # and only when every value has wrapped at a large size does the whole body scale down.
    stretch = min(1.6, max(0.0, (height - text_height) / gaps)) if gaps else 0.0
    scale = min(1.0, height / text_height)
    y = BODY_TOP
    for line in lines:
        size = line.size * scale
        y -= line.gap * stretch + size
        canvas.setFillColor(line.color)
        canvas.setFont(line.font, size)
        canvas.drawCentredString(CENTRE_X, y, line.text)
        if line.rule_below:
            canvas.setStrokeColor(GOLD)
            canvas.setLineWidth(1.2)
            canvas.line(CENTRE_X - 70, y - 9 * scale, CENTRE_X + 70, y - 9 * scale)
        y -= size * (LEADING - 1)


def _draw_frame(canvas: Canvas) -> None:
    """A navy outer border, a thin gold inner border and a small diamond in each inner corner."""
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(2.5)
    canvas.rect(16, 16, PAGE_WIDTH - 32, PAGE_HEIGHT - 32, stroke=1, fill=0)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(24, 24, PAGE_WIDTH - 48, PAGE_HEIGHT - 48, stroke=1, fill=0)
    canvas.setFillColor(GOLD)
    for x, y in ((24, 24), (24, PAGE_HEIGHT - 24), (PAGE_WIDTH - 24, 24), (PAGE_WIDTH - 24, PAGE_HEIGHT - 24)):
        path = canvas.beginPath()
        path.moveTo(x - 6, y)
        path.lineTo(x, y + 6)
        path.lineTo(x + 6, y)
        path.lineTo(x, y - 6)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)


def _draw_verification(canvas: Canvas, url: str) -> None:
    """Draw the QR code of ``url`` at the bottom left, with the URL in small print under it."""
    qr = segno.make(url, error="m", micro=False)
    modules = len(qr.matrix) + 2 * QR_QUIET_MODULES
    module = QR_SIZE / modules
    left = SIDE - QR_QUIET_MODULES * module  # the dark modules line up with the text below
    canvas.setFillColor(white)  # the quiet zone stays light whatever is drawn around it
    canvas.rect(left, QR_BOTTOM, QR_SIZE, QR_SIZE, stroke=0, fill=1)
    path = canvas.beginPath()
    top = QR_TOP - QR_QUIET_MODULES * module
    for row_index, row in enumerate(qr.matrix):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1  # one rectangle per run of dark modules keeps the path short
            x = left + (QR_QUIET_MODULES + start) * module
            path.rect(x, top - (row_index + 1) * module, (column - start) * module, module)
    canvas.setFillColor(INK)
    canvas.drawPath(path, stroke=0, fill=1)
    caption = fit_text("Pindai kode QR atau buka alamat ini untuk memeriksa keaslian:", ITALIC, 7, 250, min_size=5)
    canvas.setFillColor(MUTED)
    canvas.setFont(ITALIC, caption.size)
    canvas.drawString(SIDE, BOTTOM + 9, caption.lines[0])
    shown = fit_text(printable(url), REGULAR, 7, 250, min_size=4.5, max_lines=1)
    canvas.setFont(REGULAR, shown.size)
    canvas.drawString(SIDE, BOTTOM, shown.lines[0])


@dataclass(frozen=True)
class _Block:
    """Fitted lines placed at a height: the first line's baseline is ``y``, the others follow below."""

    lines: tuple[str, ...]
    font: str
    size: float
    y: float


def _signature_blocks(doc: CertificateDocument) -> list[_Block]:
    """The signatory block's place and date, title, name and NIP, stacked up from the bottom of the page."""
    issued = indonesian_date(doc.issued_on)
    place = f"{doc.city}, {issued}" if doc.city else issued
    parts = [  # (text, font, size, min_size, max_lines, room above it)
        (place, REGULAR, 11, 7.5, 1, 0.0),
        (doc.signatory_title, REGULAR, 11, 7.5, 2, 0.0),
        (doc.signatory_name, BOLD, 11.5, 8, 2, SIGNING_SPACE),
    ]
    if doc.signatory_nip:
        parts.append((f"NIP {doc.signatory_nip}", REGULAR, 10, 7, 1, 0.0))
    blocks: list[_Block] = []
    y = float(BOTTOM)
    for text, font, size, min_size, max_lines, room in reversed(parts):
        fitted = fit_text(printable(text), font, size, SIGNATURE_WIDTH, min_size=min_size, max_lines=max_lines)
        first = y + (len(fitted.lines) - 1) * fitted.size * LEADING
        blocks.append(_Block(fitted.lines, font, fitted.size, first))
        y = first + fitted.size * LEADING + room
    return blocks[::-1]


def _draw_signature(canvas: Canvas, blocks: Sequence[_Block]) -> None:
    """Draw the signatory blocks centred in the right column, the name (third block) underlined."""
    x = PAGE_WIDTH - SIDE - SIGNATURE_WIDTH / 2
    canvas.setFillColor(INK)
    for block in blocks:
        canvas.setFont(block.font, block.size)
        for index, line in enumerate(block.lines):
            canvas.drawCentredString(x, block.y - index * block.size * LEADING, line)
    name = blocks[2]
    half = text_width(name.lines[-1], name.font, name.size) / 2
    underline = name.y - (len(name.lines) - 1) * name.size * LEADING - 2.5
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    canvas.line(x - half, underline, x + half, underline)


def _top_of(blocks: Sequence[_Block]) -> float:
    """The height above which the signatory block leaves the page free (its first line's cap height)."""
    return blocks[0].y + blocks[0].size
