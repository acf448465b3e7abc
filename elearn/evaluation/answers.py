"""Checking a feedback-survey answer and summarising released answers. Pure: plain values in and out.

``check_answers`` turns what a form or the API sent (each item's values as strings) into the rows
to store, or into a problem code per item (the caller words it); nothing is stored unless every
item is fine. ``text_order`` lists free-text answers in an order that follows their text, never
the order in which they were written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

LIKERT_POINTS = 5
MAX_TEXT = 2000

Problem = Literal["required", "out_of_scale", "invalid_choice", "one_value", "too_long", "unknown_item"]


@dataclass(frozen=True)
class ItemRule:
    """What an item accepts: its kind, how many options it has, whether it may be skipped."""

    item_id: int
    version_id: int
    kind: str  # likert | single | multiple | text
    option_count: int = 0
    optional: bool = False


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer: a Likert point or an option index (``choice``), or free text (choice 0)."""

    version_id: int
    choice: int
    text: str | None = None


@dataclass
class Checked:
    """The rows to store, or the problem of each item that is wrong (by item id)."""

    rows: list[AnswerRow] = field(default_factory=list)
    problems: dict[int, Problem] = field(default_factory=dict)


def _index(value: str, upper: int) -> int | None:
    """``value`` as a whole number in ``[0, upper)``, else None."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 3:
        return None
    number = int(text)
    return number if number < upper else None


def _check_one(rule: ItemRule, values: Sequence[str]) -> tuple[list[AnswerRow], Problem | None]:
    given = [value for value in values if value.strip()]
    if not given:
        return [], None if rule.optional else "required"
    if rule.kind == "text":
        if len(given) > 1:
            return [], "one_value"
        text = given[0].strip()
        return ([], "too_long") if len(text) > MAX_TEXT else ([AnswerRow(rule.version_id, 0, text)], None)
    if rule.kind in ("likert", "single") and len(given) > 1:
        return [], "one_value"
    if rule.kind == "likert":
        point = _index(given[0], LIKERT_POINTS + 1)
        return ([], "out_of_scale") if point is None or point < 1 else ([AnswerRow(rule.version_id, point)], None)
    indexes = [_index(value, rule.option_count) for value in given]
    if any(index is None for index in indexes) or len(set(indexes)) != len(indexes):
        return [], "invalid_choice"
    return [AnswerRow(rule.version_id, index) for index in indexes if index is not None], None


def check_answers(rules: Sequence[ItemRule], given: Mapping[int, Sequence[str]]) -> Checked:
    """Every item checked against what was sent for it; values for unknown items are problems too."""
    checked = Checked()
    known = {rule.item_id for rule in rules}
    for item_id in given:
        if item_id not in known:
            checked.problems[item_id] = "unknown_item"
    for rule in rules:
        rows, problem = _check_one(rule, given.get(rule.item_id, ()))
        if problem is not None:
            checked.problems[rule.item_id] = problem
        checked.rows.extend(rows)
    if checked.problems:
        checked.rows = []
    return checked


def text_order(texts: Iterable[str]) -> list[str]:
    """Free-text answers sorted by a hash of their text: stable, and unrelated to when they were written."""
    return sorted(texts, key=lambda text: (hashlib.sha256(text.encode("utf-8")).hexdigest(), text))


def mean_of(counts: Mapping[int, int]) -> float | None:
    """The mean point of a Likert item from its counts per point (None without answers)."""
    total = sum(counts.values())
    if not total:
        return None
    return round(sum(point * n for point, n in counts.items()) / total, 2)


def released(count: int, size: int) -> int:
    """How many of ``count`` responses are released: whole groups of ``size`` only."""
    return (count // size) * size
