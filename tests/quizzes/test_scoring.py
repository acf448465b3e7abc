"""The exact scoring arithmetic: text normalisation, learner numbers, patterns, rounding, grades."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elearn.quizzes.scoring import (
    GRADING_METHODS,
    attempt_grade,
    combine_grades,
    matches_pattern,
    normalize_text,
    parse_number,
    round_half_up,
)

FUZZ = settings(max_examples=300, deadline=None, database=None)

# --- normalize_text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  aparatur   SIPIL negara ", "aparatur sipil negara"),
        ("ＡＳＮ", "asn"),  # full-width letters
        ("Ａｐａｒａｔｕｒ\u3000Ｓｉｐｉｌ", "aparatur sipil"),  # ideographic space
        ("ASN\t\n\u00a0BKN", "asn bkn"),  # tab, newline, no-break space
        ("Straße", "strasse"),  # case folding, not lower()
        ("ﬁnal", "final"),  # compatibility ligature
        ("e\u0301", "é"),  # composed
        ("", ""),
        ("   ", ""),
    ],
)
def test_text_is_normalised_with_nfkc_casefold_trim_and_one_space(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@FUZZ
@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert once == once.strip()
    assert "  " not in once


# --- parse_number ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20", Fraction(20)),
        ("3.14", Fraction(314, 100)),
        ("3,14", Fraction(314, 100)),
        ("-2", Fraction(-2)),
        ("+2.5", Fraction(5, 2)),
        ("-0,5", Fraction(-1, 2)),
        (".5", Fraction(1, 2)),
        (",5", Fraction(1, 2)),
        ("5.", Fraction(5)),
        ("  42 \t", Fraction(42)),
        ("\u00a018\u00a0", Fraction(18)),
        ("００７", Fraction(7)),  # full-width digits
        ("0.1", Fraction(1, 10)),  # exact, not the binary float 0.1
        ("1" * 100, Fraction(int("1" * 100))),
    ],
)
def test_a_learners_number_is_read_exactly_with_a_dot_or_a_comma(text: str, expected: Fraction) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "-",
        ".",
        ",",
        "abc",
        "3.14.15",
        "3,14,15",
        "1.000,5",  # thousands separators are not numbers
        "1 000",
        "1e3",  # no exponent
        "0x10",
        "--2",
        "+-2",
        "2-",
        "3 ± 1",
        "1/2",
        "inf",
        "nan",
        "٣",  # Arabic-Indic digit
        "1" * 101,  # absurdly long
    ],
)
def test_anything_else_is_not_a_number(text: str) -> None:
    assert parse_number(text) is None


def test_a_huge_input_is_refused_without_heavy_work() -> None:
    started = time.perf_counter()
    for _ in range(100):
        assert parse_number("9" * 1_000_000) is None
    assert time.perf_counter() - started < 0.5


@FUZZ
@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-(10**9), max_value=10**9))
def test_a_number_written_with_either_decimal_mark_reads_back_exactly(value: Decimal) -> None:
    written = format(value, "f")
    assert parse_number(written) == Fraction(value)
    assert parse_number(written.replace(".", ",")) == Fraction(value)


# --- matches_pattern ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "answer"),
    [
        ("no*", "no one"),
        ("no*", "no"),  # a star matches an empty run
        ("no*", "NO ONE"),
        ("*sipil*", "aparatur sipil negara"),
        ("aparatur * negara", "Aparatur   Sipil   Negara"),
        ("a*b*c", "abc"),
        ("a*b*c", "axxbyyc"),
        ("*", "anything at all"),
        ("*", ""),
        ("**", "x"),
        ("5\\*3", "5*3"),  # an escaped star is a literal star
        ("a\\*b*", "a*bcd"),
        ("ＡＳＮ*", "asn 2023"),  # normalised on both sides
        ("asn*", "ＡＳＮ"),
        ("a*a", "aa"),
    ],
)
def test_a_pattern_matches(pattern: str, answer: str) -> None:
    assert matches_pattern(pattern, answer)


@pytest.mark.parametrize(
    ("pattern", "answer"),
    [
        ("no*", "on"),
        ("no*", " n o"),
        ("*sipil*", "aparatur negara"),
        ("a*b*c", "acb"),
        ("a*a", "a"),  # prefix and suffix may not overlap
        ("5\\*3", "513"),  # a literal star is not a wildcard
        ("a\\*b*", "axbc"),
        ("aparatur * negara", "aparatur negara"),
        ("abc", "abcd"),  # without a star: whole equality
        ("a.c", "abc"),  # no regex meaning
        ("a+", "aa"),
        ("a?c", "abc"),
    ],
)
def test_a_pattern_does_not_match(pattern: str, answer: str) -> None:
    assert not matches_pattern(pattern, answer)


def test_patterns_that_backtrack_catastrophically_as_regexes_take_linear_time() -> None:
    pattern = "*a" * 200 + "*b"
    answer = "a" * 1_000
    started = time.perf_counter()
    for _ in range(20):
        assert not matches_pattern(pattern, answer)
    assert time.perf_counter() - started < 0.5


@FUZZ
@given(st.lists(st.text(alphabet="aAb* \\", max_size=4), max_size=5), st.text(alphabet="aAb *\\", max_size=12))
def test_a_pattern_matches_as_the_equivalent_anchored_regex_does(pieces: list[str], answer: str) -> None:
    pattern = "*".join(pieces)
    # The same reading with a (backtracking) regex: backslash-star a literal star, star any run.
    held = re.sub(r"\\\*|\*", lambda m: "\x01" if len(m.group()) == 2 else "\x00", pattern)
    parts = normalize_text(held).split("\x00")
    regex = ".*".join(re.escape(part).replace("\x01", "\\*") for part in parts)
    expected = re.fullmatch(regex, normalize_text(answer), re.DOTALL) is not None
    assert matches_pattern(pattern, answer) == expected


# --- round_half_up --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(200, 3), 2, "66.67"),  # 2/3 as a percent
        (Fraction(100, 3), 2, "33.33"),
        (Fraction(100, 8), 2, "12.50"),  # 1/8 as a percent
        (Fraction(2345, 1000), 2, "2.35"),  # x.xx5 rounds up, not to even
        (Fraction(2355, 1000), 2, "2.36"),
        (Decimal("0.125"), 2, "0.13"),
        (Decimal("1.005"), 2, "1.01"),  # as a float 1.005 would round down
        (Decimal("2.675"), 2, "2.68"),  # as a float 2.675 would round down
        (Fraction(-2345, 1000), 2, "-2.35"),  # ties away from zero
        (Fraction(-1, 1000), 2, "0.00"),  # never "-0.00"
        (Fraction(1, 2), 0, "1"),
        (Fraction(5, 2), 0, "3"),
        (Fraction(0), 2, "0.00"),
        (Fraction(100), 2, "100.00"),
        (Fraction(10**30 + 1, 2), 1, "500000000000000000000000000000.5"),  # beyond 28 digits, still exact
    ],
)
def test_rounding_is_half_up_and_exact(value: Fraction | Decimal, places: int, expected: str) -> None:
    result = round_half_up(value, places)
    assert str(result) == expected
    assert result.as_tuple().exponent == -places


def test_rounding_to_negative_places_is_refused() -> None:
    with pytest.raises(ValueError, match="places"):
        round_half_up(Fraction(1), -1)


# --- attempt_grade --------------------------------------------------------------------


def test_the_grade_comes_from_exact_sums_not_from_rounded_scores() -> None:
    # Three thirds of a point each: rounded scores (0.33) would give 99.00.
    assert attempt_grade([Fraction(1, 3)] * 3, [Decimal(1)] * 3) == Decimal("33.33")
    assert attempt_grade([Fraction(1, 3), Fraction(2, 3)], [Decimal(1), Decimal(1)]) == Decimal("50.00")
    assert attempt_grade([Fraction(2, 3)], [Decimal(1)]) == Decimal("66.67")


@pytest.mark.parametrize(
    ("scores", "points", "expected"),
    [
        ([Fraction(1), Fraction(0), Fraction(1)], ["1", "1", "1"], "66.67"),
        ([Fraction(1, 8)], ["1"], "12.50"),
        ([Fraction(5, 2), Fraction(0)], ["2.5", "2.5"], "50.00"),
        ([Fraction(1), Fraction(1)], ["1", "1"], "100.00"),
        ([Fraction(0)], ["3"], "0.00"),
        ([Fraction(2345, 100000)], ["1"], "2.35"),  # 2.345 % rounds half-up
        ([], [], "0.00"),
        ([Fraction(0)], ["0"], "0.00"),  # no points at all: 0, not a division by zero
    ],
)
def test_the_attempt_grade_is_100_times_score_over_points_rounded_half_up(
    scores: list[Fraction], points: list[str], expected: str
) -> None:
    assert attempt_grade(scores, [Decimal(p) for p in points]) == Decimal(expected)


def test_an_instructors_decimal_essay_score_adds_up_with_exact_fractions() -> None:
    assert attempt_grade([Fraction(1, 3), Decimal("1.5")], [Decimal(1), Decimal(2)]) == Decimal("61.11")


def test_scores_and_points_of_different_lengths_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="2 scores for 1 questions"):
        attempt_grade([Fraction(1), Fraction(1)], [Decimal(1)])


# --- combine_grades -------------------------------------------------------------------

GRADES = [Decimal("60.00"), Decimal("90.50"), Decimal("70.25")]


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", "90.50"), ("first", "60.00"), ("last", "70.25"), ("average", "73.58")],
)
def test_grades_combine_by_the_quizs_method(method: str, expected: str) -> None:
    assert combine_grades(method, GRADES) == Decimal(expected)


def test_the_average_is_rounded_half_up_from_the_exact_mean() -> None:
    assert combine_grades("average", [Decimal("0.01"), Decimal("0.00")]) == Decimal("0.01")  # 0.005
    assert combine_grades("average", [Decimal("66.67"), Decimal("66.67"), Decimal("66.66")]) == Decimal("66.67")
    assert combine_grades("average", [Decimal(100), Decimal(0), Decimal(0)]) == Decimal("33.33")


@pytest.mark.parametrize("method", GRADING_METHODS)
def test_no_finished_attempt_gives_no_grade(method: str) -> None:
    assert combine_grades(method, []) is None


@pytest.mark.parametrize("method", GRADING_METHODS)
def test_one_attempt_is_the_grade_whatever_the_method(method: str) -> None:
    assert combine_grades(method, [Decimal("42.50")]) == Decimal("42.50")


def test_an_unknown_grading_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown grading method 'best'"):
        combine_grades("best", GRADES)


def test_the_grading_methods_are_the_four_of_the_content_format() -> None:
    assert GRADING_METHODS == ("highest", "average", "first", "last")
