"""Properties over generated questions of every type, and a search of what is shown for the key."""

from __future__ import annotations

import json
import random
from collections import Counter
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearn.content.specs import QUESTION_TYPE_NAMES, QuestionSpec
from elearn.quizzes.questions import kind_of, question_from_stored
from tests.quizzes.build import gift_question, laid, markdown_question
from tests.quizzes.strategies import ANY_QUESTION, QUESTIONS, logical_answers

# 200 examples a property keep this file near 5 s on the shared machine.
FUZZ = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SEEDS = st.integers(0, 2**32 - 1)
COLUMNS = {"single": ["options"], "multiple": ["options"], "truefalse": ["options"], "matching": ["left", "right"]}


def layout_of(spec: QuestionSpec, seed: int, shuffle: bool) -> dict[str, Any]:
    return kind_of(spec.type).make_layout(spec, random.Random(seed), shuffle=shuffle)


def score_of(spec: QuestionSpec, layout: dict[str, Any], answer: Any) -> Fraction | None:
    kind = kind_of(spec.type)
    return kind.score(spec, layout, kind.check_answer(spec, layout, answer))


def full_marks_reachable(spec: QuestionSpec) -> bool:
    """Whether some answer earns every point (GIFT weights may cap a question below)."""
    if spec.type in ("single", "truefalse"):
        return max(c.weight for c in spec.choices) >= 1
    if spec.type == "multiple":
        return spec.multiple_rule == "count" or sum(c.weight for c in spec.choices if c.weight > 0) >= 1
    if spec.type == "short":
        return max(a.weight for a in spec.text_answers) >= 1
    if spec.type == "numerical":
        return max(a.weight for a in spec.number_answers) >= 1
    return spec.type == "matching"


@pytest.mark.parametrize("type_name", QUESTION_TYPE_NAMES)
def test_every_type_has_a_strategy(type_name: str) -> None:
    assert type_name in QUESTIONS


@FUZZ
@given(st.data(), ANY_QUESTION, SEEDS, st.booleans())
def test_a_score_is_always_within_zero_and_the_points(
    data: st.DataObject, spec: QuestionSpec, seed: int, shuffle: bool
) -> None:
    layout = layout_of(spec, seed, shuffle)
    answer = data.draw(logical_answers(spec)).in_layout(spec, layout)
    score = score_of(spec, layout, answer)
    if score is None:
        assert spec.type == "essay"
        assert kind_of("essay").is_answered(answer)
    else:
        assert isinstance(score, Fraction)
        assert 0 <= score <= Fraction(spec.points)


@FUZZ
@given(st.data(), ANY_QUESTION, SEEDS, SEEDS, st.booleans())
def test_the_layout_never_changes_the_score_of_the_same_logical_answer(
    data: st.DataObject, spec: QuestionSpec, first_seed: int, second_seed: int, shuffle: bool
) -> None:
    logical = data.draw(logical_answers(spec))
    scores = {
        score_of(spec, layout, logical.in_layout(spec, layout))
        for layout in (
            layout_of(spec, first_seed, shuffle=True),
            layout_of(spec, second_seed, shuffle=shuffle),
            layout_of(spec, first_seed + 1, shuffle=False),
        )
    }
    assert len(scores) == 1


@FUZZ
@given(st.data(), ANY_QUESTION, SEEDS, st.booleans())
def test_storing_a_question_never_changes_its_layout_or_scores(
    data: st.DataObject, spec: QuestionSpec, seed: int, shuffle: bool
) -> None:
    stored = question_from_stored(json.loads(json.dumps(spec.content())), 1)
    layout = layout_of(spec, seed, shuffle)
    assert layout_of(stored, seed, shuffle) == layout
    answer = data.draw(logical_answers(spec)).in_layout(spec, layout)
    assert score_of(stored, layout, answer) == score_of(spec, layout, answer)


@FUZZ
@given(st.data(), ANY_QUESTION, SEEDS, st.booleans())
def test_the_right_answer_scores_the_most_and_full_points_when_the_weights_allow(
    data: st.DataObject, spec: QuestionSpec, seed: int, shuffle: bool
) -> None:
    kind = kind_of(spec.type)
    layout = layout_of(spec, seed, shuffle)
    best = score_of(spec, layout, kind.best_answer(spec, layout))
    if spec.type == "essay":
        assert kind.right_answer(spec, layout, language="id") is None
        return
    assert best is not None
    other = score_of(spec, layout, data.draw(logical_answers(spec)).in_layout(spec, layout))
    assert other is not None
    assert other <= best
    if full_marks_reachable(spec):
        assert best == Fraction(spec.points)
    if spec.type != "numerical":  # a numerical key reads "3.14 ± 0.01", not a number to type
        assert score_of(spec, layout, kind.right_answer(spec, layout, language="id")) == best


@FUZZ
@given(ANY_QUESTION, SEEDS, st.booleans(), st.sampled_from(["id", "en"]))
def test_what_is_shown_holds_no_weight_feedback_or_accepted_answer(
    spec: QuestionSpec, seed: int, shuffle: bool, language: str
) -> None:
    layout = layout_of(spec, seed, shuffle)
    shown = kind_of(spec.type).present(spec, layout, language=language)
    columns = COLUMNS.get(spec.type, [])
    assert set(shown) == {"type", "stem_html", *columns}
    assert (shown["type"], shown["stem_html"]) == (spec.type, spec.stem_html)
    for column in columns:
        assert all(set(item) == {"id", "html"} for item in shown[column])
        assert all(isinstance(item["id"], str) and isinstance(item["html"], str) for item in shown[column])
    ids = [item["id"] for column in columns for item in shown[column]]
    assert len(set(ids)) == len(ids)
    text = json.dumps(shown)
    assert "FEEDBACK" not in text
    assert "KEYTEXT" not in text


# --- the key is nowhere in what is shown ---------------------------------------------------

SECRET_BANK = """Satu.{=benar#FEEDBACK-s ~%50%hampir#FEEDBACK-h ~salah####FEEDBACK-general}

// [points:3]
Pilih.{~%100%satu#FEEDBACK-a ~%-50%dua#FEEDBACK-b ~%0%tiga ~%100%empat####FEEDBACK-general}

Tulis singkatan.{=KEYTEXT-ASN#FEEDBACK-c =%50%KEYTEXT*#FEEDBACK-d}

Berapa?{#=31415.9265:0.0001#FEEDBACK-e =%50%27182..27183 ~#FEEDBACK-other}

Benar?{FALSE#FEEDBACK-wrong#FEEDBACK-right}

Cocokkan.{=BKN -> Kepegawaian =LAN -> Pelatihan =KASN -> Merit = -> Keuangan}

Esai.{####FEEDBACK-rubric}
"""
SECRETS = ["FEEDBACK", "KEYTEXT", "31415", "27182", "27183", "0.5", "50", "weight", "index", "feedback"]


def test_what_is_shown_of_every_type_holds_nothing_of_the_key() -> None:
    questions = [gift_question(block) for block in SECRET_BANK.split("\n\n")]
    assert sorted(q.type for q in questions) == sorted(QUESTION_TYPE_NAMES)
    for question in questions:
        for seed in range(30):
            for language in ("id", "en"):
                shown = laid(question, seed, language=language).shown
                for column in COLUMNS.get(question.type, []):
                    for item in shown[column]:
                        item.pop("id")  # random ids may contain any letters and digits
                text = json.dumps(shown)
                assert not [secret for secret in SECRETS if secret in text], (question.type, text)


def test_neither_the_shown_place_nor_the_id_of_the_right_option_gives_it_away() -> None:
    spec = markdown_question("## Pilih\n\n- [x] benar\n- [ ] salah 1\n- [ ] salah 2\n- [ ] salah 3\n")
    places: Counter[int] = Counter()
    ranks: dict[bool, Counter[int]] = {True: Counter(), False: Counter()}
    for seed in range(400):
        for shuffle in (True, False):
            question = laid(spec, seed, shuffle=shuffle)
            ids = [option["id"] for option in question.shown["options"]]
            right = question.right()
            ranks[shuffle][sorted(ids).index(right)] += 1
            if shuffle:
                places[ids.index(right)] += 1
    # Each of the four places and id ranks turns up for about a quarter of the attempts.
    for counter in (places, ranks[True], ranks[False]):
        assert sorted(counter) == [0, 1, 2, 3]
        assert min(counter.values()) > 60


def test_the_right_matches_are_spread_over_the_right_column() -> None:
    spec = markdown_question("## Cocokkan\n\n- a -> 1\n- b -> 2\n- c -> 3\n")
    rows: Counter[tuple[int, int]] = Counter()
    for seed in range(300):
        question = laid(spec, seed, shuffle=False)
        right_ids = [item["id"] for item in question.shown["right"]]
        for row, right_id in enumerate(question.right().values()):
            rows[row, right_ids.index(right_id)] += 1
    assert len(rows) == 9  # every left row's match appears at every place
    assert rows[0, 0] + rows[1, 1] + rows[2, 2] < 300  # never all three aligned at once


def test_weights_that_add_up_below_one_hundred_percent_cap_the_best_score() -> None:
    question = laid(gift_question("// [points:2.5]\nQ?{~%50%a ~%25%b ~%-100%c}"))
    assert question.score(question.right()) == Fraction(15, 8)  # 75 % of 2.5
