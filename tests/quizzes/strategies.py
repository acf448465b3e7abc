"""Hypothesis strategies: questions of every type, and answers to them in author terms.

Feedback and accepted texts carry markers (``FEEDBACK``, ``KEYTEXT``) so a
test can look for them in what a learner is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from elearn.content.specs import Choice, NumberAnswer, Pair, QuestionSpec, TextAnswer

POINTS = st.sampled_from(["0.5", "1", "2", "2.5", "3", "7.25", "10"]).map(Decimal)
WEIGHTS = st.one_of(
    st.sampled_from(["1", "0", "0.5", "-1", "0.25", "-0.33333", "0.125", "1.5"]).map(Decimal),
    st.decimals(min_value=-1, max_value=2, places=3),
)
NUMBERS = st.decimals(min_value=-(10**6), max_value=10**6, places=3)
WORDS = st.sampled_from(["asn", "Aparatur", "SIPIL", "negara", "BKN", "ＡＳＮ", "straße", "x"])
#: Text a learner can type and the database can store (no NUL, no lone surrogate).
TYPED = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=30)
FEEDBACK = st.integers(0, 999).map(lambda n: f"<p>FEEDBACK-{n}</p>") | st.just("")


def _base(type_: Any, points: Decimal, **fields: Any) -> QuestionSpec:
    return QuestionSpec(
        type=type_,
        stem_html="<p>Stem?</p>",
        stem_source="Stem?",
        points=points,
        general_feedback_html="<p>FEEDBACK-general</p>",
        **fields,
    )


@st.composite
def choice_questions(draw: st.DrawFn, type_: str) -> QuestionSpec:
    """Single or multiple choice with any weights, at least one of them positive."""
    count = draw(st.integers(2, 6))
    weights = draw(st.lists(WEIGHTS, min_size=count, max_size=count).filter(lambda ws: any(w > 0 for w in ws)))
    choices = tuple(Choice(f"option {n}", weight, draw(FEEDBACK)) for n, weight in enumerate(weights))
    rule = draw(st.sampled_from(["count", "weights"])) if type_ == "multiple" else "count"
    return _base(type_, draw(POINTS), choices=choices, multiple_rule=rule)


@st.composite
def true_false_questions(draw: st.DrawFn) -> QuestionSpec:
    """True/false, either answer right, either listed first."""
    is_true = draw(st.booleans())
    true = Choice("", Decimal(int(is_true)), draw(FEEDBACK), key="true")
    false = Choice("", Decimal(int(not is_true)), draw(FEEDBACK), key="false")
    choices = (false, true) if draw(st.booleans()) else (true, false)
    return _base("truefalse", draw(POINTS), choices=choices)


@st.composite
def _accepted_text(draw: st.DrawFn) -> TextAnswer:
    words = draw(st.lists(WORDS, min_size=1, max_size=3))
    text = "KEYTEXT " + " ".join(words)
    is_pattern = draw(st.booleans())
    if is_pattern:
        parts = text.split(" ")
        stars = draw(st.sampled_from(["*", "\\*", " * "]))
        text = stars.join(parts) if len(parts) > 1 else text + "*"
        if "*" not in text.replace("\\*", ""):
            text += "*"
    return TextAnswer(text, draw(WEIGHTS), is_pattern, draw(FEEDBACK))


@st.composite
def short_questions(draw: st.DrawFn) -> QuestionSpec:
    """Short answer with literal and pattern texts of any weights."""
    answers = tuple(draw(st.lists(_accepted_text(), min_size=1, max_size=4)))
    return _base("short", draw(POINTS), text_answers=answers)


@st.composite
def _number_answer(draw: st.DrawFn) -> NumberAnswer:
    weight, feedback = draw(WEIGHTS), draw(FEEDBACK)
    shape = draw(st.sampled_from(["exact", "tolerance", "range"]))
    if shape == "range":
        low, high = sorted(draw(st.lists(NUMBERS, min_size=2, max_size=2)))
        return NumberAnswer(low, high, weight=weight, feedback_html=feedback)
    value = draw(NUMBERS)
    tolerance = draw(st.decimals(min_value=0, max_value=100, places=3)) if shape == "tolerance" else None
    spread = tolerance or Decimal(0)
    return NumberAnswer(value - spread, value + spread, value, tolerance, weight, feedback)


@st.composite
def numerical_questions(draw: st.DrawFn) -> QuestionSpec:
    """Numerical with exact values, tolerances and ranges of any weights."""
    answers = tuple(draw(st.lists(_number_answer(), min_size=1, max_size=4)))
    return _base("numerical", draw(POINTS), number_answers=answers, other_feedback_html="<p>FEEDBACK-other</p>")


@st.composite
def matching_questions(draw: st.DrawFn) -> QuestionSpec:
    """Matching with 2..5 pairs (right sides may repeat) and up to 2 distractors."""
    count = draw(st.integers(2, 5))
    rights = draw(st.lists(st.integers(0, count), min_size=count, max_size=count))
    pairs = tuple(Pair(f"left {n}", f"right {r}") for n, r in enumerate(rights))
    distractors = tuple(draw(st.lists(st.integers(0, 8).map(lambda n: f"right {n}"), max_size=2)))
    return _base("matching", draw(POINTS), pairs=pairs, distractors=distractors)


def essay_questions() -> st.SearchStrategy[QuestionSpec]:
    """An essay, with points."""
    return POINTS.map(lambda points: _base("essay", points))


QUESTIONS: dict[str, st.SearchStrategy[QuestionSpec]] = {
    "single": choice_questions("single"),
    "multiple": choice_questions("multiple"),
    "truefalse": true_false_questions(),
    "short": short_questions(),
    "numerical": numerical_questions(),
    "matching": matching_questions(),
    "essay": essay_questions(),
}
ANY_QUESTION = st.one_of(*QUESTIONS.values())


@dataclass(frozen=True)
class LogicalAnswer:
    """An answer in the author's terms, the same whatever the layout.

    ``value`` is an author index (single, true/false), a set of them
    (multiple), ``{pair index: right text}`` (matching) or the typed text.
    """

    value: Any

    def in_layout(self, spec: QuestionSpec, layout: dict[str, Any]) -> Any:
        """The same answer in one attempt's public ids."""
        if self.value is None or spec.type in ("short", "numerical", "essay"):
            return self.value
        if spec.type == "matching":
            left = {entry["index"]: entry["id"] for entry in layout["left"]}
            items = list(dict.fromkeys([*(pair.right_html for pair in spec.pairs), *spec.distractors]))
            right = {items[entry["index"]]: entry["id"] for entry in layout["right"]}
            return {left[index]: right[html] for index, html in self.value.items()}
        ids = {entry["index"]: entry["id"] for entry in layout["options"]}
        if spec.type == "multiple":
            return [ids[index] for index in sorted(self.value)]
        return ids[self.value]


def _typed_text(draw: st.DrawFn, spec: QuestionSpec) -> str:
    if spec.type == "numerical":
        accepted = [n for a in spec.number_answers for n in (a.low, a.high, a.value) if n is not None]
        number = draw(st.sampled_from(accepted) | NUMBERS)
        written = format(number, "f")
        return draw(st.sampled_from([written, written.replace(".", ","), f" {written} "]) | TYPED)
    if spec.type == "short":
        accepted = [a.text.replace("\\*", "*") for a in spec.text_answers]
        typed = draw(st.sampled_from(accepted) | st.lists(WORDS, max_size=4).map(" ".join))
        return draw(st.sampled_from([typed, typed.upper(), f"  {typed}  ", typed.replace(" ", "   ")]))
    return draw(TYPED)


@st.composite
def logical_answers(draw: st.DrawFn, spec: QuestionSpec) -> LogicalAnswer:
    """Any well-shaped answer to ``spec`` (None included)."""
    if draw(st.integers(0, 9)) == 0:
        return LogicalAnswer(None)
    if spec.type in ("single", "truefalse"):
        return LogicalAnswer(draw(st.integers(0, len(spec.choices) - 1)))
    if spec.type == "multiple":
        return LogicalAnswer(frozenset(draw(st.sets(st.integers(0, len(spec.choices) - 1)))))
    if spec.type == "matching":
        items = list(dict.fromkeys([*(pair.right_html for pair in spec.pairs), *spec.distractors]))
        chosen = draw(st.dictionaries(st.integers(0, len(spec.pairs) - 1), st.sampled_from(items)))
        return LogicalAnswer(chosen)
    return LogicalAnswer(_typed_text(draw, spec))
