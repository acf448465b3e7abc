"""What an evidence file is, told from its first bytes (never from its name). Pure."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EvidenceKind", "sniff"]


@dataclass(frozen=True)
class EvidenceKind:
    """An accepted kind of evidence file."""

    mimetype: str
    extension: str


PDF = EvidenceKind("application/pdf", "pdf")
PNG = EvidenceKind("image/png", "png")
JPEG = EvidenceKind("image/jpeg", "jpg")
WEBP = EvidenceKind("image/webp", "webp")


def sniff(data: bytes) -> EvidenceKind | None:
    """The kind of ``data`` by its magic bytes: PDF, PNG, JPEG or WebP; None for anything else
    (a renamed executable, an HTML page, an SVG with script, an empty file)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None
