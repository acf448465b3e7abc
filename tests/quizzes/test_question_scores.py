"""Every scoring rule of content-format.md sections 4 and 5, question type by question type."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from elearn.content.specs import QUESTION_TYPE_NAMES
from tests.quizzes.build import (
    EXAMPLES,
    MATCHING_GIFT,
    MULTIPLE_MD,
    SHORT_MD,
    SINGLE_MD,
    gift_question,
    laid,
    markdown_question,
)


@pytest.mark.parametrize("type_name", QUESTION_TYPE_NAMES)
def test_an_unanswered_question_scores_zero_whatever_its_type(type_name: str) -> None:
    question = laid(markdown_question(EXAMPLES[type_name]))
    assert question.spec.type == type_name
    score = question.score(None)
    assert score == 0
    assert isinstance(score, Fraction)


# --- single choice and true/false ------------------------------------------------------


def test_single_choice_scores_its_points_for_the_right_option_and_zero_otherwise() -> None:
    question = laid(markdown_question(SINGLE_MD))
    assert question.score(question.id_of("Aparatur Sipil Negara")) == 2
    assert question.score(question.id_of("Aparatur Sipil Nasional")) == 0


def test_a_gift_single_choice_earns_the_chosen_weight_clamped_to_zero_and_points() -> None:
    question = laid(gift_question("Q?{=%50%half ~%-33.333%minus ~%12.5%bit =full ~wrong}"))
    scores = {html: question.score(question.id_of(html)) for html in ("half", "minus", "bit", "full", "wrong")}
    assert scores == {"half": Fraction(1, 2), "minus": 0, "bit": Fraction(1, 8), "full": 1, "wrong": 0}


def test_a_gift_weight_above_one_hundred_percent_is_clamped_to_the_points() -> None:
    question = laid(gift_question("// [points:2]\nQ?{=%150%over ~no}"))
    assert question.score(question.id_of("over")) == 2


def test_several_right_answers_of_a_gift_single_choice_are_each_fully_right() -> None:
    question = laid(gift_question("Pick one?{=a =b ~c}"))
    assert [question.score(question.id_of(html)) for html in "abc"] == [1, 1, 0]


@pytest.mark.parametrize(("language", "right", "wrong"), [("id", "Salah", "Benar"), ("en", "False", "True")])
def test_true_false_scores_the_keyed_option(language: str, right: str, wrong: str) -> None:
    question = laid(markdown_question(EXAMPLES["truefalse"]), language=language)
    assert question.score(question.id_of(right)) == 1
    assert question.score(question.id_of(wrong)) == 0


def test_a_gift_true_false_question_scores_like_a_markdown_one() -> None:
    question = laid(gift_question("// [points:4]\nThe sun is hot.{T}"))
    assert question.score(question.id_of("Benar")) == 4
    assert question.score(question.id_of("Salah")) == 0


# --- multiple response -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ("abc", Fraction(3)),  # all right: full points
        ("ab", Fraction(2)),  # 2 of 3 right: (2 - 0) / 3 × 3
        ("a", Fraction(1)),
        ("abd", Fraction(1)),  # a wrong one takes one right back: (2 - 1) / 3 × 3
        ("abcd", Fraction(2)),
        ("abcde", Fraction(1)),
        ("ad", Fraction(0)),
        ("ade", Fraction(0)),  # (1 - 2) / 3 is clamped at 0
        ("de", Fraction(0)),
        ("", Fraction(0)),
    ],
)
def test_multiple_response_counts_right_minus_wrong_over_right_total(chosen: str, expected: Fraction) -> None:
    question = laid(markdown_question(MULTIPLE_MD))
    assert question.score(question.ids(*chosen)) == expected


def test_multiple_with_one_right_option_on_the_heading_scores_by_count() -> None:
    question = laid(markdown_question("## Pilih {multiple}\n\n- [x] a\n- [ ] b\n- [ ] c\n"))
    assert question.spec.type == "multiple"
    assert question.score(question.ids("a")) == 1
    assert question.score(question.ids("a", "b")) == 0


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["Grant"], Fraction(1, 2)),
        (["Grant", "his wife"], Fraction(1)),
        (["Grant", "his wife", "his father"], Fraction(0)),
        (["Grant", "his father"], Fraction(0)),  # 0.5 - 1 is clamped at 0
        (["his father"], Fraction(0)),
        (["his wife", "nobody"], Fraction(1, 2)),
        ([], Fraction(0)),
    ],
)
def test_gift_multiple_response_adds_the_chosen_weights_clamped(chosen: list[str], expected: Fraction) -> None:
    question = laid(gift_question("Who?{~%50%Grant ~%50%his wife ~%-100%his father ~nobody}"))
    assert question.spec.multiple_rule == "weights"
    assert question.score(question.ids(*chosen)) == expected


def test_gift_weights_adding_up_past_one_hundred_percent_are_clamped_to_the_points() -> None:
    question = laid(gift_question("// [points:2]\nQ?{~%100%a ~%100%b ~%-50%c}"))
    assert question.score(question.ids("a", "b")) == 2
    assert question.score(question.ids("a", "b", "c")) == 2
    assert question.score(question.ids("a", "c")) == 1


def test_a_gift_question_with_the_count_rule_counts_options_with_a_positive_weight_as_right() -> None:
    question = laid(gift_question("// [points:2.5] [rule:count]\nQ?{~%100%a ~%100%b ~c}"))
    assert question.score(question.ids("a", "b")) == Fraction(5, 2)
    assert question.score(question.ids("a")) == Fraction(5, 4)
    assert question.score(question.ids("a", "c")) == 0


# --- short answer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "ASN",
        "asn",
        "ＡＳＮ",  # full-width letters
        "  aparatur   SIPIL negara ",
        "Aparatur\u00a0Sipil\tNegara",
        "APARATUR SIPIL NEGARA\n",
        "Ａｐａｒａｔｕｒ\u3000ｓｉｐｉｌ ｎｅｇａｒａ",
    ],
)
def test_a_short_answer_matches_after_nfkc_case_and_space_normalisation(answer: str) -> None:
    assert laid(markdown_question(SHORT_MD)).score(answer) == 1


@pytest.mark.parametrize("answer", ["AS N", "ASN.", "aparatur sipil nasional", "aparatursipilnegara", "", "   "])
def test_a_short_answer_that_differs_otherwise_scores_zero(answer: str) -> None:
    assert laid(markdown_question(SHORT_MD)).score(answer) == 0


def test_a_short_answer_earns_the_highest_weight_among_the_answers_it_matches() -> None:
    question = laid(gift_question("Who?{=no one =%50%no* =%-50%*bad* =nobody}"))
    assert question.score("No One") == 1  # matches "no one" (100 %) and "no*" (50 %)
    assert question.score("no way") == Fraction(1, 2)
    assert question.score("nobody") == 1
    assert question.score("a bad guess") == 0  # a negative weight is clamped at 0
    assert question.score("somebody") == 0


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("5*3", 1), ("5 * 3", 0), ("513", 0), ("a*b and more", Fraction(1, 2)), ("axb", 0), ("A*B", Fraction(1, 2))],
)
def test_gift_wildcards_match_any_run_and_an_escaped_star_is_literal(answer: str, expected: Fraction) -> None:
    question = laid(gift_question("Q?{=5\\*3 =%50%a\\*b*}"))
    assert question.score(answer) == expected


def test_a_markdown_short_answer_with_a_star_is_literal_not_a_wildcard() -> None:
    question = laid(markdown_question("## Operator perkalian?\n\n= a*b\n"))
    assert question.score("a*b") == 1
    assert question.score("axb") == 0


# --- numerical ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("3.14", 1),
        ("3,14", 1),
        ("3.13", 1),  # the boundaries are inclusive
        ("3.15", 1),
        ("3,15", 1),
        (" 3.1300 ", 1),
        ("3.1299", 0),
        ("3.1501", 0),
        ("-3.14", 0),
        ("pi", 0),
        ("3.14 ± 0.01", 0),
    ],
)
def test_a_number_within_value_plus_or_minus_tolerance_scores(answer: str, expected: int) -> None:
    assert laid(markdown_question("## Pi?\n\n= 3.14 ± 0.01\n")).score(answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"), [("18", 1), ("22", 1), ("20,5", 1), ("17.999", 0), ("22.001", 0), ("20", 1)]
)
def test_a_number_within_a_range_scores_and_the_ends_are_inclusive(answer: str, expected: int) -> None:
    assert laid(markdown_question("## Berapa?\n\n= 18..22\n")).score(answer) == expected


@pytest.mark.parametrize(("answer", "expected"), [("20", 1), ("20,0", 1), ("+20", 1), ("20.0001", 0), ("19", 0)])
def test_a_plain_number_must_be_equal(answer: str, expected: int) -> None:
    assert laid(markdown_question("## Berapa?\n\n= 20\n")).score(answer) == expected


@pytest.mark.parametrize(("answer", "expected"), [("-5", 1), ("-1,5", 1), ("-3", 1), ("-1.4", 0), ("5", 0)])
def test_negative_ranges_and_negative_answers_score(answer: str, expected: int) -> None:
    assert laid(gift_question("Q?{#-5..-1.5}")).score(answer) == expected


def test_a_gift_number_without_tolerance_is_exact() -> None:
    question = laid(gift_question("Q?{#5}"))
    assert question.spec.number_answers[0].tolerance is None
    assert question.score("5") == 1
    assert question.score("5.0000001") == 0


def test_a_number_earns_the_highest_weight_among_the_answers_whose_range_holds_it() -> None:
    question = laid(gift_question("Q?{#\n=20:0\n=%50%24:2\n=%25%19..30\n~#Bukan.\n}"))
    assert question.score("20") == 1  # 20:0 (100 %) and 19..30 (25 %)
    assert question.score("23") == Fraction(1, 2)
    assert question.score("29") == Fraction(1, 4)
    assert question.score("31") == 0
    assert question.score("dua puluh") == 0


def test_a_markdown_numerical_question_with_points_scales_its_score() -> None:
    assert laid(markdown_question("## Berapa? {points=2.5}\n\n= 20\n")).score("20") == Fraction(5, 2)


# --- matching ----------------------------------------------------------------------------


def test_matching_scores_points_times_correct_pairs_over_pairs() -> None:
    question = laid(gift_question("// [points:3]\n" + MATCHING_GIFT))
    right = {"BKN": "Kepegawaian", "LAN": "Pelatihan", "KASN": "Sistem merit"}
    assert question.score(question.pairs(right)) == 3
    assert question.score(question.pairs({**right, "KASN": "Keuangan"})) == 2  # the distractor matches nothing
    assert question.score(question.pairs({"BKN": "Kepegawaian"})) == 1  # partial
    assert question.score(question.pairs({"BKN": "Pelatihan", "LAN": "Kepegawaian"})) == 0
    assert question.score(question.pairs({"BKN": "Kepegawaian", "LAN": "Kepegawaian"})) == 1  # repeated values
    assert question.score({}) == 0


def test_two_pairs_with_the_same_right_side_are_both_matched_by_that_one_item() -> None:
    question = laid(
        markdown_question("## Cocokkan\n\n- Jakarta -> Indonesia\n- Bandung -> Indonesia\n- Kyoto -> Jepang\n")
    )
    assert [item["html"] for item in question.shown["right"]].count("Indonesia") == 1
    assert question.score(question.pairs({"Jakarta": "Indonesia", "Bandung": "Indonesia", "Kyoto": "Jepang"})) == 1
    assert question.score(question.pairs({"Jakarta": "Indonesia", "Bandung": "Jepang"})) == Fraction(1, 3)


# --- essay -------------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "expected"), [("Jawaban saya.", None), ("", 0), (" \n\t ", 0), (None, 0)])
def test_an_answered_essay_waits_for_an_instructor_and_an_empty_one_scores_zero(answer: Any, expected: Any) -> None:
    assert laid(markdown_question(EXAMPLES["essay"])).score(answer) == expected
