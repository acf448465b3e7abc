"""The base of the question-type registry and what the types share.

A question type is a subclass of ``QuestionKind`` with a ``name``; defining
it registers one instance in ``QUESTION_TYPES`` (``questions.py`` imports
every type module and is the way in). The engine only ever calls the
methods below, so no code outside a type asks which type a question is.

A *layout* is what an attempt decides once per question and stores as
JSON: the shown order of options (or matching items) and their public ids.
Public ids are random, opaque and short; they say nothing about the
author's order or about rightness, so the key cannot be read from them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, ClassVar

from elearn.content.specs import QuestionSpec

ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
ID_LENGTH = 8  # 48 random bits: collisions within one question are re-drawn anyway
_SHOWN_LIMIT = 40  # characters of a learner's value quoted in an AnswerError

#: Every question type by name; filled by defining ``QuestionKind`` subclasses.
QUESTION_TYPES: dict[str, QuestionKind] = {}


class AnswerError(ValueError):
    """A learner's answer has the wrong shape (unknown id, wrong JSON type, too long)."""


def quoted(value: object) -> str:
    """A learner's value for a message: repr, cut short."""
    text = repr(value)
    return text if len(text) <= _SHOWN_LIMIT else text[: _SHOWN_LIMIT - 1] + "…"


def public_ids(rng: random.Random, count: int, taken: Iterable[str] = ()) -> list[str]:
    """``count`` distinct random ids, none of them in ``taken``."""
    used = set(taken)
    ids: list[str] = []
    while len(ids) < count:
        candidate = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
        if candidate not in used:
            used.add(candidate)
            ids.append(candidate)
    return ids


def shown_order(rng: random.Random, count: int, *, shuffle: bool) -> list[int]:
    """Author indexes ``0..count-1`` in the order shown: shuffled, or the author's."""
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
    return order


def layout_entries(rng: random.Random, order: list[int], taken: Iterable[str] = ()) -> list[dict[str, Any]]:
    """``[{"id", "index"}]`` in shown order, with fresh public ids."""
    return [{"id": id_, "index": index} for id_, index in zip(public_ids(rng, len(order), taken), order, strict=True)]


def read_entries(layout: dict[str, Any], key: str, count: int) -> list[tuple[str, int]]:
    """The ``(id, index)`` entries a layout holds under ``key``; ValueError if it is not ours."""
    entries = layout.get(key)
    if not isinstance(entries, list):
        raise ValueError(f"layout has no {key!r} list")
    read: list[tuple[str, int]] = []
    for entry in entries:
        id_ = entry.get("id") if isinstance(entry, dict) else None
        index = entry.get("index") if isinstance(entry, dict) else None
        if not isinstance(id_, str) or not isinstance(index, int) or not 0 <= index < count:
            raise ValueError(f"layout entry {entry!r} under {key!r} does not fit this question")
        read.append((id_, index))
    if sorted(index for _id, index in read) != list(range(count)):
        raise ValueError(f"layout {key!r} does not list each of the {count} items once")
    return read


def clamp(value: Fraction, low: Fraction, high: Fraction) -> Fraction:
    """``value`` limited to ``[low, high]``."""
    return max(low, min(high, value))


def join_feedback(parts: Iterable[str]) -> str:
    """Non-empty feedback parts joined by a line break."""
    return "\n".join(part for part in parts if part)


class QuestionKind:
    """A question type: lays out, presents, checks, scores and explains its questions.

    Subclasses set ``name`` and implement ``check_answer``, ``score_answer``
    and ``best_answer``; types with more than a stem to show also override
    ``make_layout`` and ``present``, and ``right_answer`` or
    ``answer_feedback`` where theirs differ. ``score`` and ``feedback_html``
    check the answer's shape first, so they take any stored answer, fail
    loudly (AnswerError) on one that is not valid, and treat an unanswered
    question alike for every type.
    """

    name: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            if cls.name in QUESTION_TYPES:
                raise TypeError(f"question type {cls.name!r} is defined twice")
            QUESTION_TYPES[cls.name] = cls()

    def make_layout(self, spec: QuestionSpec, rng: random.Random, *, shuffle: bool) -> dict[str, Any]:
        """The shown order and public ids of this question's items, as JSON, decided once per attempt."""
        return {}

    def present(self, spec: QuestionSpec, layout: dict[str, Any], *, language: str) -> dict[str, Any]:
        """The API ``Question`` without ``id`` and ``points``; reveals nothing of the key."""
        return {"type": self.name, "stem_html": spec.stem_html}

    def check_answer(self, spec: QuestionSpec, layout: dict[str, Any], raw: Any) -> Any:
        """The canonical stored form of a raw JSON answer (None = unanswered); AnswerError if malformed."""
        raise NotImplementedError

    def score(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> Fraction | None:
        """The exact score in ``[0, points]``; None for an answered essay (an instructor grades it)."""
        answer = self.check_answer(spec, layout, answer)
        if not self.is_answered(answer):
            return Fraction(0)
        return self.score_answer(spec, layout, answer)

    def score_answer(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> Fraction | None:
        """The score of a canonical, given answer."""
        raise NotImplementedError

    def right_answer(self, spec: QuestionSpec, layout: dict[str, Any], *, language: str) -> Any:
        """The key as an ``Answer`` in this attempt's public ids (for a review)."""
        return self.best_answer(spec, layout)

    def best_answer(self, spec: QuestionSpec, layout: dict[str, Any]) -> Any:
        """A canonical answer that scores the most this question allows (None for an essay)."""
        raise NotImplementedError

    def feedback_html(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> str:
        """The feedback the answer earns, then the question's general feedback; "" when none."""
        answer = self.check_answer(spec, layout, answer)
        given = self.answer_feedback(spec, layout, answer) if self.is_answered(answer) else []
        return join_feedback([*given, spec.general_feedback_html])

    def answer_feedback(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> list[str]:
        """Feedback parts for a canonical, given answer (the general feedback excluded)."""
        return []

    def chosen_options(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> list[int]:
        """The author's indexes of the options a canonical answer chose (item analysis counts them);
        empty for types without options."""
        return []

    def is_answered(self, answer: Any) -> bool:
        """Whether an answer counts as given: an id, a non-blank text, a non-empty list or mapping."""
        if isinstance(answer, str):
            return answer.strip() != ""
        if isinstance(answer, (list, dict)):
            return len(answer) > 0
        return False
