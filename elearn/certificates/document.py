"""What a certificate says, frozen at issue, and the Indonesian long date it is printed with."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

__all__ = ["MONTHS_ID", "CertificateDocument", "indonesian_date"]

# Month names are written out here so that a date never depends on Babel or the process locale.
MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


@dataclass(frozen=True)
class CertificateDocument:
    """Everything printed on one certificate, as it was when the certificate was issued."""

    institution: str  # header, e.g. "Pemerintah Kota Sorong"
    name: str
    nip: str | None
    unit: str | None  # unit path as imported, e.g. "Pemerintah Kota Sorong/Dinas Kesehatan"
    position: str | None
    course_title: str
    course_code: str
    jp: int
    completed_on: datetime.date
    issued_on: datetime.date
    number: str  # registration number, e.g. "LD-101/2026/000123"
    verify_url: str
    signatory_name: str
    signatory_nip: str | None
    signatory_title: str
    city: str | None = None  # place of signing


def indonesian_date(day: datetime.date) -> str:
    """Return ``day`` in Indonesian long form, e.g. ``23 November 2026``."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"
