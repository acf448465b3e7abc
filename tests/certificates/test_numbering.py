"""Registration number patterns: what they may say, the numbers they give, the counters they use."""

from __future__ import annotations

import pytest

from elearn.certificates.numbering import counter_key, format_number, pattern_problem
from elearn.certificates.queries import mask_nip
from elearn.reports.evidence import sniff
from elearn.reports.exports import neutralise


def test_the_default_pattern_numbers_per_course_and_year() -> None:
    pattern = "{course}/{year}/{seq:06}"
    assert pattern_problem(pattern) is None
    assert format_number(pattern, "LD-101", 2026, 123) == "LD-101/2026/000123"
    assert counter_key(pattern, "LD-101") == "LD-101/{year}/{seq}"
    assert counter_key(pattern, "LD-101") != counter_key(pattern, "LD-102")


def test_a_pattern_without_the_course_counts_for_the_whole_deployment() -> None:
    pattern = "SRT/BKPSDM/{year}/{seq:05d}"
    assert pattern_problem(pattern) is None
    assert counter_key(pattern, "A-1") == counter_key(pattern, "B-2")
    assert format_number(pattern, "A-1", 2027, 7) == "SRT/BKPSDM/2027/00007"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("{course}/{seq:06}", "{year}"),
        ("{course}/{year}", "{seq}"),
        ("{course}/{year}/{seq:06}/{unit}", "unknown field"),
        ("{course}/{year}/{seq:06", "not a valid pattern"),
        ("{course}/{year}/{seq:xyz}", "cannot be formatted"),
        ("{year}/{seq}" + "x" * 100, "too long"),
    ],
)
def test_a_pattern_that_cannot_number_certificates_says_why(pattern: str, problem: str) -> None:
    found = pattern_problem(pattern)
    assert found is not None and problem in found


@pytest.mark.parametrize(
    ("nip", "masked"),
    [("198003152005011001", "1980************01"), (None, None), ("12345", "*****"), ("1234567", "1234*67")],
)
def test_the_nip_is_masked_but_its_first_four_and_last_two_digits(nip: str | None, masked: str | None) -> None:
    assert mask_nip(nip) == masked


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"MZ\x90\x00", None),
        (b"\x7fELF\x02\x01", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", None),
        (b"", None),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    ],
)
def test_evidence_is_told_by_its_first_bytes(data: bytes, kind: str | None) -> None:
    found = sniff(data)
    assert (found.mimetype if found else None) == kind


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+62 811", "'+62 811"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("Dinas Kesehatan", "Dinas Kesehatan"),
        (20, 20),
        (None, None),
        (True, True),
    ],
)
def test_spreadsheet_formulas_are_neutralised(value: object, safe: object) -> None:
    assert neutralise(value) == safe  # type: ignore[arg-type]
