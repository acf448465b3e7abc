"""NIP (Nomor Induk Pegawai) rules: pure functions, no Flask, no database.

A NIP has 18 ASCII digits::

    YYYYMMDD  YYYYMM  S  NNN
    birth     start   sex serial
    date      of service

Whitespace anywhere is accepted on input (``19800101 200501 1 001``) and
ignored; any other character is refused. Only checks that are certain are
made: a real NIP is never refused.
"""

from __future__ import annotations

import calendar
from datetime import date

NIP_LENGTH = 18
EARLIEST_YEAR = 1900
ASCII_DIGITS = frozenset("0123456789")

__all__ = ["NIP_LENGTH", "is_valid_nip", "mask_nip", "nip_problems", "normalize_nip"]


def normalize_nip(raw: str) -> str:
    """Return ``raw`` with every whitespace character removed."""
    return "".join(raw.split())


def nip_problems(raw: str, *, today: date | None = None) -> list[str]:
    """Return every problem of ``raw`` as a NIP (empty when valid); ``today`` defaults to the real date."""
    nip = normalize_nip(raw)
    if not nip:
        return ["NIP is empty"]
    if not (nip.isascii() and nip.isdigit() and len(nip) == NIP_LENGTH):
        # Without exactly 18 digits the field positions are unknown: checking them would mislead.
        return _shape_problems(nip)
    problems: list[str] = []
    birth, birth_problems = _check_birth_date(nip[0:8], today or date.today())
    problems.extend(birth_problems)
    problems.extend(_check_service_start(nip[8:14], birth))
    if nip[14] not in "12":
        problems.append(f"NIP sex digit must be 1 or 2, got {nip[14]}")
    return problems


def is_valid_nip(raw: str, *, today: date | None = None) -> bool:
    """Tell whether ``raw`` is a valid NIP (whitespace ignored)."""
    return not nip_problems(raw, today=today)


def mask_nip(nip: str) -> str:
    """Hide all but the first 4 and last 2 characters: ``1980************01``."""
    nip = normalize_nip(nip)
    if len(nip) <= 6:
        # Too short to show 6 characters and still hide anything: hide it all.
        return "*" * len(nip)
    return nip[:4] + "*" * (len(nip) - 6) + nip[-2:]


def _shape_problems(nip: str) -> list[str]:
    """Name the characters that are not ASCII digits, and a digit count other than 18."""
    problems: list[str] = []
    strays = _stray_characters(nip)
    if strays:
        problems.append(f"NIP may contain only digits and spaces, found {', '.join(strays)}")
    digit_count = sum(1 for char in nip if char in ASCII_DIGITS)
    if digit_count != NIP_LENGTH:
        problems.append(f"NIP must have {NIP_LENGTH} digits, got {digit_count}")
    return problems


def _stray_characters(nip: str) -> list[str]:
    """Name each distinct non-digit character once, in order of appearance."""
    strays: list[str] = []
    for char in nip:
        if char in ASCII_DIGITS:
            continue
        shown = f"'{char}'" if char.isascii() and char.isprintable() else f"U+{ord(char):04X}"
        if shown not in strays:
            strays.append(shown)
    return strays


def _check_birth_date(digits: str, today: date) -> tuple[date | None, list[str]]:
    """Parse ``YYYYMMDD``; return the date (None when not real) and its problems."""
    year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    if year < EARLIEST_YEAR:
        return None, [f"NIP birth year {digits[0:4]} is before {EARLIEST_YEAR}"]
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None, [f"NIP birth date {digits} is not a real date"]
    birth = date(year, month, day)
    if birth > today:
        return None, [f"NIP birth date {digits} is in the future"]
    return birth, []


def _check_service_start(digits: str, birth: date | None) -> list[str]:
    """Check ``YYYYMM``: a real month, not before 1900 and not before the birth date."""
    year, month = int(digits[0:4]), int(digits[4:6])
    problems: list[str] = []
    if not 1 <= month <= 12:
        problems.append(f"NIP start of service {digits} is not a real month")
    if year < EARLIEST_YEAR:
        problems.append(f"NIP start of service {digits} is before {EARLIEST_YEAR}")
    elif not problems and birth is not None and (year, month) < (birth.year, birth.month):
        problems.append(f"NIP start of service {digits} is before birth date {birth:%Y%m%d}")
    return problems
