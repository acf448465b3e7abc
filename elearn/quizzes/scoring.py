"""Exact scoring arithmetic and answer matching (content-format.md sections 4 and 5).

Pure: plain values in, plain values out, no Flask and no session. Scores
are ``Fraction``s so that sums are exact; a grade is rounded once, half-up,
from the exact sums (never from rounded scores).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from elearn.content.specs import GRADING_METHODS  # defined once, with the content's other words

#: Learner input longer than this is not a number (checked before any other work).
MAX_NUMBER_LENGTH = 100
_NUMBER = re.compile(r"\s*([+-]?)(\d+[.,]?\d*|[.,]\d+)\s*", re.ASCII)
_STAR = re.compile(r"\\\*|\*")  # an escaped star or a bare one, read left to right
_GRADE_PLACES = 2


def normalize_text(text: str) -> str:
    """Text as compared: Unicode NFKC, case-folded, trimmed, white space runs as one space."""
    # Case folding can undo NFKC for a few characters; normalising again makes
    # the result stable (normalize_text(normalize_text(x)) == normalize_text(x)).
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def parse_number(text: str) -> Fraction | None:
    """A learner's number (``-3``, ``3.14``, ``3,14``, ``.5``) as an exact Fraction; None if not one."""
    if len(text) > MAX_NUMBER_LENGTH:
        return None
    # NFKC turns full-width digits and no-break spaces into their plain forms.
    match = _NUMBER.fullmatch(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    sign, digits = match.groups()
    return Fraction(Decimal(sign + digits.replace(",", ".")))


def _pattern_pieces(pattern: str) -> list[str]:
    """The normalised literal pieces between the bare ``*`` of a pattern (``\\*`` is a star)."""
    # Normalise the whole pattern at once (so white space is handled as in the
    # answer), with each bare star held by a separator that NFKC, case folding
    # and white space handling all leave alone.
    separator = "\x00"
    pattern = pattern.replace(separator, "")
    marked = _STAR.sub(lambda match: "*" if len(match.group()) == 2 else separator, pattern)
    return normalize_text(marked).split(separator)


def matches_pattern(pattern: str, answer: str) -> bool:
    """Whether ``answer`` matches a GIFT short-answer pattern (``*`` any run, ``\\*`` a star).

    Both sides are normalised with ``normalize_text``. Runs in linear time:
    the pieces between stars are found left to right, each at its first place.
    """
    pieces = _pattern_pieces(pattern)
    text = normalize_text(answer)
    if len(pieces) == 1:
        return text == pieces[0]
    first, *middle, last = pieces
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def round_half_up(value: Fraction | Decimal, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals, ties away from zero, computed exactly."""
    if places < 0:
        raise ValueError(f"places must not be negative (got {places})")
    scaled = Fraction(value) * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    sign = 1 if scaled < 0 and magnitude else 0
    return Decimal((sign, tuple(int(digit) for digit in str(magnitude)), -places))


def attempt_grade(scores: Sequence[Fraction | Decimal], points: Sequence[Decimal]) -> Decimal:
    """An attempt's grade in percent: ``100 × Σscore / Σpoints``, half-up to 2 decimals (0 if no points).

    ``scores`` are exact: the Fractions ``score`` returned, or Decimals an
    instructor gave (an essay); one per question, in the order of ``points``.
    """
    if len(scores) != len(points):
        raise ValueError(f"{len(scores)} scores for {len(points)} questions")
    total_points = sum((Fraction(p) for p in points), Fraction(0))
    if total_points == 0:
        return round_half_up(Fraction(0), _GRADE_PLACES)
    total_score = sum((Fraction(s) for s in scores), Fraction(0))
    return round_half_up(100 * total_score / total_points, _GRADE_PLACES)


def combine_grades(method: str, grades: Sequence[Decimal]) -> Decimal | None:
    """The quiz grade from finished attempts' grades in attempt order; None when there are none."""
    if method not in GRADING_METHODS:
        raise ValueError(f"unknown grading method {method!r}: use one of {', '.join(GRADING_METHODS)}")
    if not grades:
        return None
    if method == "highest":
        return max(grades)
    if method == "first":
        return grades[0]
    if method == "last":
        return grades[-1]
    return round_half_up(sum((Fraction(g) for g in grades), Fraction(0)) / len(grades), _GRADE_PLACES)
