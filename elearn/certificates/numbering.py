"""Certificate registration numbers from a configurable pattern, e.g. ``{course}/{year}/{seq:06}``.

Pure: no Flask, no database. The sequence restarts each year for each *counter key*: the
pattern with every field but ``{year}`` and ``{seq}`` filled in (so ``{course}/{year}/{seq:06}``
counts per course and year, and ``SRT/{year}/{seq:05}`` counts per year for the whole deployment).
"""

from __future__ import annotations

import string
from collections.abc import Mapping

__all__ = ["FIELDS", "counter_key", "format_number", "pattern_problem"]

#: The fields a pattern may use: the course code, the year of issue, the yearly sequence number.
FIELDS = ("course", "year", "seq")
MAX_NUMBER_LENGTH = 100


def _fields(pattern: str) -> list[tuple[str, str, str]]:
    """(literal text, field name, format spec) for each part of ``pattern``; ValueError if malformed."""
    return [(literal, name or "", spec or "") for literal, name, spec, _conv in string.Formatter().parse(pattern)]


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot number certificates, or None when it can."""
    try:
        parts = _fields(pattern)
    except ValueError as error:
        return f"not a valid pattern ({error})"
    names = [name for _literal, name, _spec in parts if name]
    unknown = sorted(set(names) - set(FIELDS))
    if unknown:
        return f"unknown field(s) {', '.join(unknown)}; use {{course}}, {{year}} and {{seq}}"
    if "seq" not in names or "year" not in names:
        return "must contain {seq} (e.g. {seq:06}) and {year}: the sequence restarts every year"
    try:
        sample = format_number(pattern, "ABC-123", 2026, 1)
    except (ValueError, TypeError) as error:
        return f"cannot be formatted ({error})"
    if len(sample) > MAX_NUMBER_LENGTH - 20:
        return "is too long"
    return None


def format_number(pattern: str, course_code: str, year: int, seq: int) -> str:
    """The registration number for the ``seq``-th certificate of ``year`` under ``pattern``."""
    values: Mapping[str, object] = {"course": course_code, "year": year, "seq": seq}
    return pattern.format_map(values)


def counter_key(pattern: str, course_code: str) -> str:
    """The key of the yearly counter ``pattern`` draws from for ``course_code``."""
    pieces = []
    for literal, name, spec in _fields(pattern):
        pieces.append(literal)
        if name == "course":
            pieces.append(format(course_code, spec))
        elif name:
            pieces.append("{" + name + "}")
    return "".join(pieces)[:MAX_NUMBER_LENGTH]
