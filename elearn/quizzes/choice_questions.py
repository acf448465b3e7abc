"""Choice questions: single choice, true/false and multiple response.

Layout: ``{"options": [{"id", "index"}]}`` in shown order, ``index`` being
the option's place in ``spec.choices``. Options are shuffled when the quiz
shuffles, except true/false, which keeps the author's order (as Moodle
does: "Benar" then "Salah" reads naturally, and the order says nothing
about the key).
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from elearn.content.specs import Choice, QuestionSpec
from elearn.quizzes.question_kind import (
    AnswerError,
    QuestionKind,
    clamp,
    layout_entries,
    quoted,
    read_entries,
    shown_order,
)

_TRUE_FALSE_LABELS = {"id": {"true": "Benar", "false": "Salah"}, "en": {"true": "True", "false": "False"}}


def _options(spec: QuestionSpec, layout: dict[str, Any]) -> list[tuple[str, Choice]]:
    """``(public id, choice)`` in shown order."""
    return [(id_, spec.choices[index]) for id_, index in read_entries(layout, "options", len(spec.choices))]


def _choice_by_id(spec: QuestionSpec, layout: dict[str, Any]) -> dict[str, Choice]:
    return dict(_options(spec, layout))


def _known_id(raw: Any, known: dict[str, Choice], what: str) -> str:
    if not isinstance(raw, str):
        raise AnswerError(f"{what} must be an option id (a string), not {quoted(raw)}")
    if raw not in known:
        raise AnswerError(f"unknown option id {quoted(raw)}")
    return raw


class ChoiceKind(QuestionKind):
    """What the choice types share: options with public ids and weights."""

    shuffles = True

    def make_layout(self, spec: QuestionSpec, rng: random.Random, *, shuffle: bool) -> dict[str, Any]:
        """Options in shown order with fresh public ids."""
        order = shown_order(rng, len(spec.choices), shuffle=shuffle and self.shuffles)
        return {"options": layout_entries(rng, order)}

    def option_html(self, choice: Choice, language: str) -> str:
        """How an option reads to the learner."""
        return choice.html

    def present(self, spec: QuestionSpec, layout: dict[str, Any], *, language: str) -> dict[str, Any]:
        """Type, stem and ``options: [{"id", "html"}]`` in shown order."""
        options = [{"id": id_, "html": self.option_html(choice, language)} for id_, choice in _options(spec, layout)]
        return {**super().present(spec, layout, language=language), "options": options}

    def chosen_options(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> list[int]:
        """The author's indexes of the chosen options."""
        chosen = answer if isinstance(answer, list) else [answer] if isinstance(answer, str) else []
        indexes = dict(read_entries(layout, "options", len(spec.choices)))
        return sorted(indexes[id_] for id_ in chosen if id_ in indexes)


class SingleChoice(ChoiceKind):
    """One option is chosen; it earns its weight × points (clamped to ``[0, points]``)."""

    name = "single"

    def check_answer(self, spec: QuestionSpec, layout: dict[str, Any], raw: Any) -> Any:
        """One option id of this question, or None."""
        if raw is None:
            return None
        return _known_id(raw, _choice_by_id(spec, layout), "the answer")

    def score_answer(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> Fraction | None:
        """The chosen option's weight × points, clamped."""
        points = Fraction(spec.points)
        weight = Fraction(_choice_by_id(spec, layout)[answer].weight)
        return clamp(weight * points, Fraction(0), points)

    def best_answer(self, spec: QuestionSpec, layout: dict[str, Any]) -> Any:
        """The id of the heaviest option (the first shown among equals)."""
        best_id, best = _options(spec, layout)[0]
        for id_, choice in _options(spec, layout):
            if choice.weight > best.weight:
                best_id, best = id_, choice
        return best_id

    def answer_feedback(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> list[str]:
        """The chosen option's feedback."""
        return [_choice_by_id(spec, layout)[answer].feedback_html]


class TrueFalse(SingleChoice):
    """Two keyed options (``true``/``false``) named in the course's language, never shuffled."""

    name = "truefalse"
    shuffles = False

    def option_html(self, choice: Choice, language: str) -> str:
        """``Benar``/``Salah`` (id) or ``True``/``False`` (en)."""
        labels = _TRUE_FALSE_LABELS.get(language)
        if labels is None:
            raise ValueError(f"no true/false labels for language {language!r}")
        return labels[choice.key]


class MultipleResponse(ChoiceKind):
    """Any set of options is chosen; scored by ``spec.multiple_rule``.

    ``count``: ``max(0, (right chosen − wrong chosen) / right total)``;
    ``weights``: the chosen weights added up and clamped to ``[0, 1]``;
    both times points. An option is right when its weight is positive.
    """

    name = "multiple"

    def check_answer(self, spec: QuestionSpec, layout: dict[str, Any], raw: Any) -> Any:
        """Distinct option ids of this question, in shown order (maybe none), or None."""
        if raw is None:
            return None
        if not isinstance(raw, list):
            raise AnswerError(f"the answer must be a list of option ids, not {quoted(raw)}")
        known = _choice_by_id(spec, layout)
        chosen: set[str] = set()
        for item in raw:
            id_ = _known_id(item, known, "each chosen option")
            if id_ in chosen:
                raise AnswerError(f"option id {quoted(id_)} is chosen twice")
            chosen.add(id_)
        return [id_ for id_ in known if id_ in chosen]

    def score_answer(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> Fraction | None:
        """By the question's rule, exactly."""
        points = Fraction(spec.points)
        known = _choice_by_id(spec, layout)
        chosen = [known[id_] for id_ in answer]
        if spec.multiple_rule == "weights":
            share = clamp(sum((Fraction(c.weight) for c in chosen), Fraction(0)), Fraction(0), Fraction(1))
            return share * points
        right_total = sum(1 for choice in spec.choices if choice.weight > 0)
        if right_total == 0:
            return Fraction(0)
        right_chosen = sum(1 for choice in chosen if choice.weight > 0)
        wrong_chosen = len(chosen) - right_chosen
        return max(Fraction(0), Fraction(right_chosen - wrong_chosen, right_total)) * points

    def best_answer(self, spec: QuestionSpec, layout: dict[str, Any]) -> Any:
        """The ids of every option with a positive weight, in shown order."""
        return [id_ for id_, choice in _options(spec, layout) if choice.weight > 0]

    def answer_feedback(self, spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> list[str]:
        """The chosen options' feedback, in shown order."""
        known = _choice_by_id(spec, layout)
        return [known[id_].feedback_html for id_ in answer]
