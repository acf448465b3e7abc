"""The question-type registry: layouts, presentation, answer shapes, right answers, feedback, storage."""

from __future__ import annotations

import json
import random
import re
from typing import Any, ClassVar

import pytest

from elearn.content.specs import QUESTION_TYPE_NAMES
from elearn.quizzes.questions import (
    CONTENT_SCHEMA_VERSION,
    QUESTION_TYPES,
    AnswerError,
    QuestionKind,
    kind_of,
    question_from_stored,
)
from tests.quizzes.build import (
    EXAMPLES,
    MATCHING_GIFT,
    MULTIPLE_MD,
    SHORT_MD,
    SINGLE_MD,
    Laid,
    gift_question,
    laid,
    markdown_question,
)

PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{8}")


def example(type_name: str, seed: int = 0, *, shuffle: bool = True) -> Laid:
    return laid(markdown_question(EXAMPLES[type_name]), seed, shuffle=shuffle)


def all_ids(question: Laid) -> list[str]:
    shown = question.shown
    return [item["id"] for column in ("options", "left", "right") for item in shown.get(column, [])]


# --- the registry ------------------------------------------------------------------------


def test_every_type_of_the_content_format_is_registered_under_its_name() -> None:
    assert sorted(QUESTION_TYPES) == sorted(QUESTION_TYPE_NAMES)
    for name, kind in QUESTION_TYPES.items():
        assert kind.name == name
        assert kind_of(name) is kind


def test_an_unknown_type_name_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="cloze"):
        kind_of("cloze")


def test_defining_a_type_under_a_taken_name_is_refused() -> None:
    with pytest.raises(TypeError, match="'single' is defined twice"):

        class AnotherSingle(QuestionKind):
            name: ClassVar[str] = "single"

    assert type(QUESTION_TYPES["single"]).__name__ == "SingleChoice"


# --- stored content ----------------------------------------------------------------------


@pytest.mark.parametrize("type_name", QUESTION_TYPE_NAMES)
def test_stored_content_of_version_1_reads_back_into_an_equal_question(type_name: str) -> None:
    spec = markdown_question(EXAMPLES[type_name])
    stored = json.loads(json.dumps(spec.content()))
    again = question_from_stored(stored, CONTENT_SCHEMA_VERSION)
    assert again.content() == spec.content()
    assert CONTENT_SCHEMA_VERSION == 1


def test_a_gift_question_survives_storage_with_weights_patterns_and_distractors() -> None:
    for text in ("Q?{=%50%half ~%-33.333%minus =full}", "Q?{=no one =%50%no*#almost}", MATCHING_GIFT, "Q?{#5}"):
        spec = gift_question(text)
        again = question_from_stored(json.loads(json.dumps(spec.content())), 1)
        assert again.content() == spec.content()
        first, second = laid(spec, seed=3), laid(again, seed=3)
        assert first.layout == second.layout
        assert first.kind.right_answer(spec, first.layout, language="id") == second.right()


def test_an_unknown_schema_version_or_type_is_refused() -> None:
    content = markdown_question(SINGLE_MD).content()
    with pytest.raises(ValueError, match="unknown question content schema version 2"):
        question_from_stored(content, 2)
    with pytest.raises(ValueError, match="unknown type 'cloze'"):
        question_from_stored({**content, "type": "cloze"}, 1)


# --- layouts -----------------------------------------------------------------------------


@pytest.mark.parametrize("type_name", QUESTION_TYPE_NAMES)
def test_a_layout_is_plain_json_and_the_same_seed_gives_the_same_layout(type_name: str) -> None:
    layout = example(type_name, seed=7).layout
    assert json.loads(json.dumps(layout)) == layout
    assert example(type_name, seed=7).layout == layout


@pytest.mark.parametrize("type_name", ["single", "multiple", "truefalse", "matching"])
def test_public_ids_are_short_url_safe_distinct_and_new_for_every_attempt(type_name: str) -> None:
    seen: set[str] = set()
    for seed in range(50):
        ids = all_ids(example(type_name, seed))
        assert all(PUBLIC_ID.fullmatch(id_) for id_ in ids)
        assert len(set(ids)) == len(ids)
        seen.update(ids)
    assert len(seen) == 50 * len(ids)


def test_without_shuffle_options_and_left_items_keep_the_authors_order() -> None:
    for seed in range(20):
        assert [o["html"] for o in example("multiple", seed, shuffle=False).shown["options"]] == list("abcde")
        matching = laid(gift_question(MATCHING_GIFT), seed, shuffle=False)
        assert [item["html"] for item in matching.shown["left"]] == ["BKN", "LAN", "KASN"]


def test_with_shuffle_the_option_order_differs_between_attempts() -> None:
    orders = {tuple(o["html"] for o in example("multiple", seed).shown["options"]) for seed in range(50)}
    assert len(orders) > 20


def test_true_false_keeps_the_authors_order_even_when_the_quiz_shuffles() -> None:
    for seed in range(20):
        assert [o["html"] for o in example("truefalse", seed).shown["options"]] == ["Benar", "Salah"]
    false_first = laid(gift_question("// [order:false-true]\nQ?{T}"), shuffle=True)
    assert [o["html"] for o in false_first.shown["options"]] == ["Salah", "Benar"]


@pytest.mark.parametrize("shuffle", [True, False])
def test_the_right_column_of_matching_is_never_aligned_with_the_left(shuffle: bool) -> None:
    two_pairs = markdown_question(EXAMPLES["matching"])
    with_distractor = gift_question(MATCHING_GIFT)
    right_orders = set()
    for seed in range(200):
        for spec in (two_pairs, with_distractor):
            question = laid(spec, seed, shuffle=shuffle)
            key = question.right()
            left_ids = [item["id"] for item in question.shown["left"]]
            right_ids = [item["id"] for item in question.shown["right"]]
            assert right_ids[: len(left_ids)] != [key[id_] for id_ in left_ids]
            if spec is with_distractor:
                right_orders.add(tuple(item["html"] for item in question.shown["right"]))
    assert len(right_orders) > 10  # an order of its own, not a fixed one


def test_a_layout_that_does_not_fit_the_question_is_a_value_error() -> None:
    question = example("single")
    spec = question.spec
    for broken in ({}, {"options": "x"}, {"options": [{"id": "a", "index": 5}, {"id": "b", "index": 0}]}):
        with pytest.raises(ValueError, match="layout"):
            question.kind.present(spec, broken, language="id")
    with pytest.raises(ValueError, match="each of the 2 items once"):
        question.kind.present(spec, {"options": [{"id": "a", "index": 0}, {"id": "b", "index": 0}]}, language="id")


# --- presentation ------------------------------------------------------------------------


def test_each_type_is_presented_in_the_api_shape() -> None:
    single = example("single", shuffle=False)
    assert single.shown == {
        "type": "single",
        "stem_html": "<p>Kepanjangan ASN?</p>",
        "options": [
            {"id": single.id_of("Aparatur Sipil Negara"), "html": "Aparatur Sipil Negara"},
            {"id": single.id_of("Aparatur Sipil Nasional"), "html": "Aparatur Sipil Nasional"},
        ],
    }
    for type_name in ("short", "numerical", "essay"):
        shown = example(type_name).shown
        assert set(shown) == {"type", "stem_html"}
        assert shown["type"] == type_name
    matching = laid(gift_question(MATCHING_GIFT), shuffle=False)
    assert set(matching.shown) == {"type", "stem_html", "left", "right"}
    assert [item["html"] for item in matching.shown["left"]] == ["BKN", "LAN", "KASN"]
    assert sorted(item["html"] for item in matching.shown["right"]) == [
        "Kepegawaian",
        "Keuangan",
        "Pelatihan",
        "Sistem merit",
    ]


def test_true_false_options_are_named_in_the_courses_language() -> None:
    spec = markdown_question(EXAMPLES["truefalse"])
    assert [o["html"] for o in laid(spec, language="id").shown["options"]] == ["Benar", "Salah"]
    assert [o["html"] for o in laid(spec, language="en").shown["options"]] == ["True", "False"]
    with pytest.raises(ValueError, match="'fr'"):
        laid(spec, language="fr").shown  # noqa: B018


# --- answer shapes -----------------------------------------------------------------------

OTHER_ID = "AAAAAAAA"


def _single_raws(question: Laid) -> list[Any]:
    return [5, True, 1.5, [question.id_of("Aparatur Sipil Negara")], {"id": "x"}, OTHER_ID, ""]


def _multiple_raws(question: Laid) -> list[Any]:
    a = question.id_of("a")
    return [a, {a: True}, [a, a], [a, 5], [a, OTHER_ID], [None], [[a]], 3]


def _matching_raws(question: Laid) -> list[Any]:
    left, right = question.id_of("BKN", "left"), question.id_of("Kepegawaian", "right")
    return [
        [left, right],
        left,
        {OTHER_ID: right},
        {left: OTHER_ID},
        {left: 5},
        {left: [right]},
        {right: left},  # ids of the wrong columns
    ]


@pytest.mark.parametrize(
    ("make", "raws"),
    [
        (lambda: laid(markdown_question(SINGLE_MD)), _single_raws),
        (lambda: example("truefalse"), lambda q: [0, False, "true", "Benar", OTHER_ID]),
        (lambda: laid(markdown_question(MULTIPLE_MD)), _multiple_raws),
        (lambda: laid(gift_question(MATCHING_GIFT)), _matching_raws),
        (lambda: example("short"), lambda q: [5, ["ASN"], {"a": "b"}, "x" * 1001, "a\x00b", "a\ud800b", True]),
        (lambda: example("numerical"), lambda q: [3.14, 3, ["3.14"], "1" * 1001, "\udfff"]),
        (lambda: example("essay"), lambda q: [5, ["teks"], "x" * 20_001, "nul \x00"]),
    ],
)
def test_answers_of_the_wrong_shape_are_refused(make: Any, raws: Any) -> None:
    question = make()
    for raw in raws(question):
        with pytest.raises(AnswerError):
            question.check(raw)
        with pytest.raises(AnswerError):
            question.kind.score(question.spec, question.layout, raw)


def test_an_option_id_of_another_attempt_is_unknown() -> None:
    spec = markdown_question(SINGLE_MD)
    other = laid(spec, seed=1).id_of("Aparatur Sipil Negara")
    with pytest.raises(AnswerError, match="unknown option id"):
        laid(spec, seed=2).check(other)


def test_refusal_messages_say_what_is_wrong_and_quote_the_value_briefly() -> None:
    question = laid(markdown_question(MULTIPLE_MD))
    a = question.id_of("a")
    with pytest.raises(AnswerError, match=f"option id '{a}' is chosen twice"):
        question.check([a, a])
    with pytest.raises(AnswerError, match="must be a list of option ids"):
        question.check(a)
    with pytest.raises(AnswerError, match="1001 characters long; at most 1000"):
        example("short").check("x" * 1001)
    with pytest.raises(AnswerError) as refused:
        question.check(["y" * 5000])
    assert len(str(refused.value)) < 100


@pytest.mark.parametrize("type_name", QUESTION_TYPE_NAMES)
def test_null_means_unanswered_for_every_type(type_name: str) -> None:
    question = example(type_name)
    assert question.check(None) is None
    assert not question.kind.is_answered(None)


def test_well_shaped_answers_are_stored_in_a_canonical_form() -> None:
    multiple = laid(markdown_question(MULTIPLE_MD), shuffle=False)
    assert multiple.check(multiple.ids("c", "a")) == multiple.ids("a", "c")  # shown order
    assert multiple.check([]) == []
    matching = laid(gift_question(MATCHING_GIFT), shuffle=False)
    given = matching.pairs({"KASN": "Keuangan", "BKN": "Pelatihan"})
    assert list(matching.check(given)) == [matching.id_of("BKN", "left"), matching.id_of("KASN", "left")]
    lan = matching.id_of("LAN", "left")
    assert matching.check({**given, lan: None}) == matching.check(given)  # a null value clears one item
    assert example("short").check("  ASN ") == "  ASN "  # kept as typed
    assert example("short").check("x" * 1000) == "x" * 1000
    assert example("essay").check("x" * 20_000) == "x" * 20_000


@pytest.mark.parametrize(
    ("answer", "answered"),
    [(None, False), ("", False), (" \t\n", False), ("a", True), ([], False), (["x"], True), ({}, False)]
    + [({"a": "b"}, True)],
)
def test_an_answer_counts_as_given_when_it_is_not_empty_or_blank(answer: Any, answered: bool) -> None:
    for kind in QUESTION_TYPES.values():
        assert kind.is_answered(answer) is answered


# --- right answers -----------------------------------------------------------------------


def test_right_answers_use_this_attempts_public_ids() -> None:
    single = laid(markdown_question(SINGLE_MD), seed=5)
    assert single.right() == single.id_of("Aparatur Sipil Negara")
    multiple = laid(markdown_question(MULTIPLE_MD), seed=5)
    shown_right = [o["id"] for o in multiple.shown["options"] if o["html"] in "abc"]
    assert multiple.right() == shown_right
    assert example("truefalse").right() == example("truefalse").id_of("Salah")
    matching = laid(gift_question(MATCHING_GIFT), seed=5)
    assert matching.right() == matching.pairs({"BKN": "Kepegawaian", "LAN": "Pelatihan", "KASN": "Sistem merit"})
    assert example("essay").right() is None


def test_the_right_option_of_a_weighted_single_choice_is_the_heaviest() -> None:
    question = laid(gift_question("Q?{=%50%half ~wrong =%100%full =also full}"), shuffle=False)
    assert question.right() == question.id_of("full")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (SHORT_MD, "Aparatur Sipil Negara"),
        ("Q?{=%50%almost =right =also right}", "right"),
        ("Q?{=no* =%50%x}", "no"),  # a pattern is shown as a text it matches
        ("Q?{=a\\*b*}", "a*b"),
        ("Q?{=*}", "x"),
        ("Q?{=a * b}", "a x b"),
    ],
)
def test_the_right_short_answer_is_the_first_text_of_the_highest_weight(source: str, expected: str) -> None:
    spec = markdown_question(source) if source.startswith("##") else gift_question(source)
    question = laid(spec)
    assert question.right() == expected
    assert question.score(expected) == 1


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("## Berapa?\n\n= 20\n", "20"),
        ("## Pi?\n\n= 3.14 ± 0.01\n", "3.14 ± 0.01"),
        ("## Berapa?\n\n= 18..22\n", "18..22"),
        ("Q?{#5:0.1}", "5 ± 0.1"),
        ("Q?{#5:-0.1}", "5 ± 0.1"),
        ("Q?{#5:0}", "5"),
        ("Q?{#1e3}", "1000"),
        ("Q?{#-5..-1.5}", "-5..-1.5"),
        ("Q?{# =%50%1 =2 =3}", "2"),
    ],
)
def test_the_right_number_is_written_as_value_tolerance_or_range(source: str, expected: str) -> None:
    spec = markdown_question(source) if source.startswith("##") else gift_question(source)
    assert laid(spec).right() == expected


# --- feedback ----------------------------------------------------------------------------

FEEDBACK_MD = "## ASN?\n\n- [x] Negara\n  > Tepat.\n- [ ] Nasional\n  > Bukan.\n- [x] Aparatur\n\n> Lihat UU 20/2023.\n"


def test_feedback_is_the_chosen_options_then_the_general_feedback() -> None:
    question = laid(markdown_question(FEEDBACK_MD), shuffle=False)
    assert question.feedback(question.ids("Negara")) == "<p>Tepat.</p>\n<p>Lihat UU 20/2023.</p>"
    assert question.feedback(question.ids("Nasional", "Negara")) == (
        "<p>Tepat.</p>\n<p>Bukan.</p>\n<p>Lihat UU 20/2023.</p>"
    )
    assert question.feedback(question.ids("Aparatur")) == "<p>Lihat UU 20/2023.</p>"
    assert question.feedback(None) == "<p>Lihat UU 20/2023.</p>"
    single = laid(markdown_question(SINGLE_MD))
    assert single.feedback(single.id_of("Aparatur Sipil Negara")) == ""


def test_true_false_feedback_comes_from_the_chosen_option() -> None:
    question = laid(gift_question("The sun is cold.{FALSE#shown when wrong#shown when right####Umum}"))
    assert question.feedback(question.id_of("Benar")) == "shown when wrong\nUmum"
    assert question.feedback(question.id_of("Salah")) == "shown when right\nUmum"


def test_short_answer_feedback_is_that_of_the_answer_that_decided_the_score() -> None:
    question = laid(gift_question("Who?{=no one#Yes =%50%no*#Almost ####General}"))
    assert question.feedback("No One") == "Yes\nGeneral"
    assert question.feedback("nobody") == "Almost\nGeneral"
    assert question.feedback("somebody") == "General"


def test_numerical_feedback_falls_back_to_the_feedback_for_any_other_number() -> None:
    question = laid(gift_question("Q?{#\n=20:0#Tepat\n=%50%24:2#Hampir\n~#Salah\n####Umum}"))
    assert question.feedback("20") == "Tepat\nUmum"
    assert question.feedback("23,5") == "Hampir\nUmum"
    assert question.feedback("99") == "Salah\nUmum"
    assert question.feedback("bukan angka") == "Salah\nUmum"
    assert question.feedback(None) == "Umum"


def test_matching_and_essay_feedback_is_the_general_feedback() -> None:
    matching = laid(gift_question("Q?{=a -> b =c -> d ####Umum}"))
    assert matching.feedback(matching.pairs({"a": "b"})) == "Umum"
    essay = laid(gift_question("Q?{####Rubrik}"))
    assert essay.feedback("Jawaban.") == "Rubrik"
    assert laid(markdown_question(EXAMPLES["essay"])).feedback("Jawaban.") == ""


def test_random_generators_are_only_used_through_the_given_one() -> None:
    random.seed(1)
    first = example("multiple", seed=9).layout
    random.seed(2)
    assert example("multiple", seed=9).layout == first
