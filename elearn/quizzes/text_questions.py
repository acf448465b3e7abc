"""Typed-in questions: short answer, numerical and essay.

They have nothing to lay out (the layout is ``{}``) and nothing to present
beyond the stem. A text answer is stored as typed; comparing it is the
scoring rules' business (``scoring.normalize_text``, ``scoring.parse_number``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol, TypeVar

from elearn.content.specs import NumberAnswer, QuestionSpec, TextAnswer
from elearn.quizzes.question_kind import AnswerError, QuestionKind, clamp, quoted
from elearn.quizzes.scoring import matches_pattern, normalize_text, parse_number

MAX_SHORT_LENGTH = 1_000
MAX_ESSAY_LENGTH = 20_000
# Neither a NUL nor a lone surrogate can be stored in PostgreSQL text or encoded as UTF-8 for a page.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_text(raw: Any, limit: int) -> str | None:
    """A text answer as typed (None stays None); AnswerError if not a string, too long or unstorable."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise AnswerError(f"the answer must be a string, not {quoted(raw)}")
    if len(raw) > limit:
        raise AnswerError(f"the answer is {len(raw)} characters long; at most {limit} are allowed")
    if _UNSTORABLE.search(raw):
        raise AnswerError("the answer contains a NUL character or a lone surrogate")
    return raw


def _best_weight(weights: list[Decimal], points: Decimal) -> Fraction:
    """The highest weight × points clamped to ``[0, points]``; 0 when nothing matched."""
    if not weights:
        return Fraction(0)
    limit = Fraction(points)
    return clamp(Fraction(max(weights)) * limit, Fraction(0), limit)


class _Weighted(Protocol):
    @property
    def weight(self) -> Decimal: ...


_W = TypeVar("_W", bound=_Weighted)


def _heaviest_first(answers: Iterable[_W]) -> _W | None:
    """The first of the answers with the highest weight (None for none)."""
    best: _W | None = None
    for answer in answers:
        if best is None or answer.weight > best.weight:
            best = answer
    return best


def _plain_number(value: Decimal) -> str:
    """A Decimal as plain digits (no exponent), as a learner would type it."""
    return format(value, "f")


class ShortAnswer(QuestionKind):
    """A typed text; it earns the highest weight among the accepted answers it matches."""

    name = "short"

    def check_answer(self, spec: QuestionSpec, layout: dict[str, Any], raw: Any) -> Any:
        """A string of at most 1 000 characters, or None."""
        return check_text(raw, MAX_SHORT_LENGTH)

    def matching(self, spec: QuestionSpec, answer: str) -> list[TextAnswer]:
        """The accepted answers ``answer`` matches, in the author's order."""
        normalised = normalize_text(answer)
        return [
            accepted
            for accepted in spec.text_answers
            if (
                matches_pattern(accepted.text, answer)
                if accepted.is_pattern
                else normalize_text(accepted.text) == normalised
            )
        ]

    def score_answer(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> Fraction | None:
        """Highest matching weight × points, clamped; 0 when nothing matches."""
        return _best_weight([accepted.weight for accepted in self.matching(spec, answer)], spec.points)

    def best_answer(self, spec: QuestionSpec, layout: dict[str, Any]) -> Any:
        """The first accepted text of the highest weight (a pattern as an example that matches it)."""
        best = _heaviest_first(spec.text_answers)
        if best is None:
            return None
        return pattern_example(best.text) if best.is_pattern else best.text

    def answer_feedback(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> list[str]:
        """The feedback of the matching answer that decided the score."""
        best = _heaviest_first(self.matching(spec, answer))
        return [best.feedback_html] if best is not None else []


def pattern_example(pattern: str) -> str:
    """A text that matches ``pattern``: its wildcards left out (or, where that fails, an ``x`` each)."""
    for filler in ("", "x"):
        parts = [piece.replace("*", filler) for piece in pattern.split("\\*")]
        example = "*".join(parts)
        if normalize_text(example) and matches_pattern(pattern, example):
            return example
    return pattern


class Numerical(QuestionKind):
    """A typed number; it earns the highest weight among the answers whose range holds it."""

    name = "numerical"

    def check_answer(self, spec: QuestionSpec, layout: dict[str, Any], raw: Any) -> Any:
        """A string of at most 1 000 characters, or None (a non-number is a wrong answer, not a bad shape)."""
        return check_text(raw, MAX_SHORT_LENGTH)

    def matching(self, spec: QuestionSpec, answer: str) -> list[NumberAnswer]:
        """The accepted answers whose ``[low, high]`` holds the typed number, in the author's order."""
        number = parse_number(answer)
        if number is None:
            return []
        return [accepted for accepted in spec.number_answers if accepted.low <= number <= accepted.high]

    def score_answer(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> Fraction | None:
        """Highest matching weight × points, clamped; 0 when no range holds it or it is not a number."""
        return _best_weight([accepted.weight for accepted in self.matching(spec, answer)], spec.points)

    def right_answer(self, spec: QuestionSpec, layout: dict[str, Any], *, language: str) -> Any:
        """The heaviest answer as written: ``"20"``, ``"3.14 ± 0.01"`` or ``"18..22"``."""
        best = _heaviest_first(spec.number_answers)
        if best is None:
            return None
        if best.value is None:
            return f"{_plain_number(best.low)}..{_plain_number(best.high)}"
        if best.tolerance:
            return f"{_plain_number(best.value)} ± {_plain_number(abs(best.tolerance))}"
        return _plain_number(best.value)

    def best_answer(self, spec: QuestionSpec, layout: dict[str, Any]) -> Any:
        """A number inside the heaviest answer's range, as plain digits."""
        best = _heaviest_first(spec.number_answers)
        if best is None:
            return None
        return _plain_number(best.low if best.value is None else best.value)

    def answer_feedback(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> list[str]:
        """The deciding answer's feedback, else the feedback for any other number."""
        best = _heaviest_first(self.matching(spec, answer))
        return [best.feedback_html] if best is not None else [spec.other_feedback_html]


class Essay(QuestionKind):
    """A free text an instructor grades: an answered essay has no score until then."""

    name = "essay"

    def check_answer(self, spec: QuestionSpec, layout: dict[str, Any], raw: Any) -> Any:
        """A string of at most 20 000 characters, or None."""
        return check_text(raw, MAX_ESSAY_LENGTH)

    def score_answer(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> Fraction | None:
        """None: a given essay waits for an instructor's grade (an empty one scored 0 already)."""
        return None

    def best_answer(self, spec: QuestionSpec, layout: dict[str, Any]) -> Any:
        """None: an essay has no key."""
        return None
