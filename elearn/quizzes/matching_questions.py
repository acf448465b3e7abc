"""Matching questions: each left item is matched with an item of the right-hand column.

Layout: ``{"left": [{"id", "index"}], "right": [{"id", "index"}]}`` in shown
order. A left ``index`` is a place in ``spec.pairs``; a right ``index`` is a
place in ``right_items(spec)``: the distinct right-hand texts, the pairs'
first and then GIFT's distractors. Equal texts are one item, so two pairs
with the same right-hand side are both matched by choosing it, and a learner
never has to guess which of two identical items is "the" right one.

The left column is shuffled when the quiz shuffles. The right-hand column is
always shown in an order of its own (shuffle on or off, as Moodle always
shuffles the choices of a matching question), and never in one aligned with
the left column, i.e. never with ``right[i]`` the match of ``left[i]`` for
every ``i``; otherwise reading across would give the key away.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from elearn.content.specs import QuestionSpec
from elearn.quizzes.question_kind import (
    AnswerError,
    QuestionKind,
    layout_entries,
    quoted,
    read_entries,
    shown_order,
)


def right_items(spec: QuestionSpec) -> list[str]:
    """The right-hand column's distinct HTML texts: the pairs' right sides, then the distractors."""
    return list(dict.fromkeys([*(pair.right_html for pair in spec.pairs), *spec.distractors]))


def _match_indexes(spec: QuestionSpec) -> list[int]:
    """For each pair, the index of its right side in ``right_items``."""
    place = {html: index for index, html in enumerate(right_items(spec))}
    return [place[pair.right_html] for pair in spec.pairs]


def _is_aligned(left: list[int], right: list[int], matches: list[int]) -> bool:
    return len(right) >= len(left) and all(right[row] == matches[index] for row, index in enumerate(left))


def _columns(spec: QuestionSpec, layout: dict[str, Any]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    left = read_entries(layout, "left", len(spec.pairs))
    right = read_entries(layout, "right", len(right_items(spec)))
    return left, right


class Matching(QuestionKind):
    """Pairs to match; scored ``points × correct pairs / pairs`` (distractors are not pairs)."""

    name = "matching"

    def make_layout(self, spec: QuestionSpec, rng: random.Random, *, shuffle: bool) -> dict[str, Any]:
        """Left items (shuffled or not) and the right-hand column in an order never aligned with them."""
        left = shown_order(rng, len(spec.pairs), shuffle=shuffle)
        right = shown_order(rng, len(right_items(spec)), shuffle=True)
        if _is_aligned(left, right, _match_indexes(spec)):
            # Aligned needs as many right items as left ones, so at least two
            # (parsers ask for two pairs); they are distinct, so moving each up
            # one place changes the first row and breaks the alignment.
            right = right[1:] + right[:1]
        left_entries = layout_entries(rng, left)
        right_entries = layout_entries(rng, right, taken=[entry["id"] for entry in left_entries])
        return {"left": left_entries, "right": right_entries}

    def present(self, spec: QuestionSpec, layout: dict[str, Any], *, language: str) -> dict[str, Any]:
        """Type, stem, ``left`` and ``right`` as ``[{"id", "html"}]`` in shown order."""
        left, right = _columns(spec, layout)
        items = right_items(spec)
        return {
            **super().present(spec, layout, language=language),
            "left": [{"id": id_, "html": spec.pairs[index].left_html} for id_, index in left],
            "right": [{"id": id_, "html": items[index]} for id_, index in right],
        }

    def check_answer(self, spec: QuestionSpec, layout: dict[str, Any], raw: Any) -> Any:
        """``{left_id: right_id}`` with known ids (maybe partial, values may repeat), or None.

        A null value means that left item is not answered; it is left out of
        the canonical form, which lists left items in shown order.
        """
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise AnswerError(f"the answer must be an object of left id to right id, not {quoted(raw)}")
        left, right = _columns(spec, layout)
        left_ids = [id_ for id_, _index in left]
        right_ids = {id_ for id_, _index in right}
        for key, value in raw.items():
            if key not in left_ids:
                raise AnswerError(f"unknown left item id {quoted(key)}")
            if value is not None and not isinstance(value, str):
                raise AnswerError(f"the match of {quoted(key)} must be a right item id, not {quoted(value)}")
            if value is not None and value not in right_ids:
                raise AnswerError(f"unknown right item id {quoted(value)}")
        return {id_: raw[id_] for id_ in left_ids if raw.get(id_) is not None}

    def score_answer(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> Fraction | None:
        """``points × correct pairs / pairs``."""
        left, right = _columns(spec, layout)
        right_index = dict(right)
        matches = _match_indexes(spec)
        if not spec.pairs:
            return Fraction(0)
        correct = sum(1 for id_, index in left if id_ in answer and right_index[answer[id_]] == matches[index])
        return Fraction(spec.points) * Fraction(correct, len(spec.pairs))

    def best_answer(self, spec: QuestionSpec, layout: dict[str, Any]) -> Any:
        """Every left id with the id of its match, in shown order."""
        left, right = _columns(spec, layout)
        id_of = {index: id_ for id_, index in right}
        matches = _match_indexes(spec)
        return {id_: id_of[matches[index]] for id_, index in left}
