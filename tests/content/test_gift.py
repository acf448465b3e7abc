"""Moodle GIFT banks: every construct, every refusal (with its line), the round trip."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearn.content.gift import GiftWriteError, parse_gift, write_gift
from elearn.content.specs import Choice, NumberAnswer, Pair, QuestionSpec, TextAnswer

PATH = "bank.gift"
FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
# Each example of the round trip renders and re-parses whole banks: fewer keep the file under 5 s.
ROUND_TRIP_FUZZ = settings(FUZZ, max_examples=200)


def parse_ok(text: str) -> list[QuestionSpec]:
    questions, issues = parse_gift(text, PATH)
    assert [str(issue) for issue in issues] == []
    return questions


def one(text: str) -> QuestionSpec:
    questions = parse_ok(text)
    assert len(questions) == 1
    return questions[0]


def problems(text: str) -> list[str]:
    questions, issues = parse_gift(text, PATH)
    return [str(issue) for issue in issues]


def only_problem(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def comparable(question: QuestionSpec) -> dict[str, Any]:
    """What must survive a round trip: the content but the raw stem, plus the identity."""
    content = question.content()
    content.pop("stem_source")
    content["ident"] = question.ident
    return content


def round_trip(questions: list[QuestionSpec]) -> list[QuestionSpec]:
    written = write_gift(questions)
    again, issues = parse_gift(written, "written.gift")
    assert [str(issue) for issue in issues] == [], written
    return again


def assert_round_trips(questions: list[QuestionSpec]) -> None:
    assert [comparable(q) for q in round_trip(questions)] == [comparable(q) for q in questions]


# --- blocks, lines, comments -------------------------------------------------------


def test_questions_are_separated_by_blank_and_whitespace_only_lines() -> None:
    questions = parse_ok("One?{T}\n\nTwo?{F}\n \t \nThree?{T}\n\u00a0\u3000\nFour?{T}\n\n\n")
    assert [q.stem_html for q in questions] == ["One?", "Two?", "Three?", "Four?"]
    assert [q.line for q in questions] == [1, 3, 5, 7]


def test_crlf_tabs_indentation_and_a_missing_final_newline_are_accepted() -> None:
    text = "\tWho?{\r\n\t\t=me\r\n    ~you\r\n}\r\n\r\n  Next?{T}"
    first, second = parse_ok(text)
    assert [c.html for c in first.choices] == ["me", "you"]
    assert second.line == 6
    assert second.type == "truefalse"


def test_comment_lines_are_ignored_wherever_they_are() -> None:
    question = one("// before\nWho?{\n  // inside\n  =me ~you\n}\n// after")
    assert question.stem_html == "Who?"
    assert [c.html for c in question.choices] == ["me", "you"]


def test_a_block_of_only_comments_is_not_a_question() -> None:
    assert parse_ok("// header\n// more\n\nQ?{T}")[0].line == 4


def test_a_question_line_is_its_first_text_line_not_the_comment_above_it() -> None:
    question = one("\n\n// [id:q1]\n// note\nQuestion?{T}")
    assert question.line == 5
    assert question.path == PATH


def test_a_byte_order_mark_at_the_start_is_ignored() -> None:
    assert one("\ufeff::T::Q?{T}").title == "T"


# --- tokens in comments --------------------------------------------------------------


def test_id_and_tag_tokens_above_a_question_give_its_ident_and_tags() -> None:
    question = one("// [id:q-asn] [tag:uu] \n// [tag:ASN dasar]\nQ?{T}")
    assert question.ident == "q-asn"
    assert question.tags == ("uu", "ASN dasar")


def test_an_escaped_bracket_inside_an_id_token_is_kept() -> None:
    assert one("// [id:a\\]b]\nQ?{T}").ident == "a]b"


def test_tokens_in_a_comment_block_separated_by_a_blank_line_do_not_apply() -> None:
    question = one("// [id:lost]\n\nQ?{T}")
    assert question.ident is None
    assert question.tags == ()


def test_points_and_rule_tokens_set_points_and_the_multiple_rule() -> None:
    question = one("// [points:2.5] [rule:count]\nQ?{~%100%a ~%100%b ~c}")
    assert question.points == Decimal("2.5")
    assert question.type == "multiple"
    assert question.multiple_rule == "count"


def test_bad_points_rule_and_order_tokens_are_reported_at_their_comment_line() -> None:
    found = problems("Q0?{T}\n\n// [points:two]\n// [points:0]\n// [rule:some] [order:up]\nQ?{T}")
    assert found == [
        'bank.gift:3: [points:...] "two" is not a number',
        "bank.gift:5: [rule:some] must be [rule:count] or [rule:weights]",
        "bank.gift:5: [order:up] must be [order:false-true] or [order:true-false]",
    ]
    assert only_problem("// [points:0]\nQ?{T}") == "bank.gift:1: [points:0] must be a positive number"


def test_a_duplicate_id_in_one_file_is_reported_at_the_second_question() -> None:
    found = problems("// [id:x]\nA?{T}\n\n// [id:x]\nB?{T}")
    assert found == ['bank.gift:5: duplicate question id "x" (first used on line 2)']


# --- categories, titles, text --------------------------------------------------------


def test_a_category_line_applies_to_the_questions_after_it_until_the_next() -> None:
    text = "A?{T}\n\n$CATEGORY: $course$/top/Unit 1\n\nB?{T}\n\nC?{T}\n\n$CATEGORY: Unit 2\nD?{T}"
    assert [q.category for q in parse_ok(text)] == ["", "$course$/top/Unit 1", "$course$/top/Unit 1", "Unit 2"]


def test_a_title_between_double_colons_is_kept_apart_from_the_stem() -> None:
    question = one("::Grant\\: a tomb:: Who is buried here?{=no one ~Grant}")
    assert question.title == "Grant: a tomb"
    assert question.stem_html == "Who is buried here?"


def test_escapes_stand_for_their_characters_and_backslash_n_is_a_line_break() -> None:
    question = one("\\~ \\= \\# \\{ \\} \\: \\\\ a\\nb{T}")
    assert question.stem_html == "~ = # { } : \\ a<br>\nb"
    assert question.stem_source == "\\~ \\= \\# \\{ \\} \\: \\\\ a\\nb"


def test_equals_tilde_and_hash_outside_the_answer_block_are_plain_text() -> None:
    assert one("1 + 1 = 2 ~ # yes?{T}").stem_html == "1 + 1 = 2 ~ # yes?"


def test_text_without_a_prefix_is_moodle_format_with_line_breaks_and_html_kept() -> None:
    assert one("Line <b>one</b>\nline two{T}").stem_html == "Line <b>one</b><br>\nline two"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("[markdown]", "<p><em>a</em> &amp; <b>b</b></p>"),
        ("[html]", "*a* &amp; <b>b</b>"),
        ("[moodle]", "*a* &amp; <b>b</b>"),
        ("[plain]", "*a* &amp; &lt;b&gt;b&lt;/b&gt;"),
    ],
)
def test_a_format_prefix_decides_how_the_text_becomes_html(prefix: str, expected: str) -> None:
    assert one(f"{prefix}*a* & <b>b</b>{{T}}").stem_html == expected


def test_an_unknown_bracket_at_the_start_is_text() -> None:
    assert one("[note] Q?{T}").stem_html == "[note] Q?"


def test_answers_and_feedback_take_the_question_format_unless_they_carry_their_own() -> None:
    question = one("[markdown]Q?{=*a*#**good** ~[plain]<b>#[html]<i>no</i>}")
    right, wrong = question.choices
    assert (right.html, right.feedback_html) == ("<p><em>a</em></p>", "<p><strong>good</strong></p>")
    assert (wrong.html, wrong.feedback_html) == ("&lt;b&gt;", "<i>no</i>")


def test_unsafe_html_is_removed_from_stem_answers_and_feedback() -> None:
    question = one(
        '[html]<p onclick="x()">Q<script>alert(1)</script></p>'
        '{=<a href\\="javascript:x()">a</a>#<img src\\=x onerror\\=y()> ~b####<script>z</script>ok}'
    )
    assert question.stem_html == "<p>Q</p>"
    assert question.choices[0].html == '<a rel="noopener noreferrer">a</a>'
    assert question.choices[0].feedback_html == '<img src="x">'
    assert question.general_feedback_html == "ok"


def test_iframes_are_kept_only_from_the_allowed_hosts() -> None:
    text = '[html]<iframe src="https://video.example/1"></iframe><iframe src="https://evil.example/"></iframe>{}'
    assert "iframe" not in one(text).stem_html
    questions, issues = parse_gift(text, PATH, iframe_hosts=("video.example",))
    assert questions[0].stem_html == '<iframe src="https://video.example/1"></iframe>'


def test_every_gift_question_is_worth_one_point() -> None:
    assert {q.points for q in parse_ok("A?{T}\n\nB?{=a ~b}\n\nC?{#1}\n\nD?{}")} == {Decimal(1)}


# --- question types ------------------------------------------------------------------


def test_one_right_answer_makes_a_single_choice_with_feedback_per_answer() -> None:
    question = one("Who?{~Grant#No, ~Jefferson =no one#Right!}")
    assert question.type == "single"
    assert question.choices == (
        Choice("Grant", Decimal(0), "No,"),
        Choice("Jefferson", Decimal(0)),
        Choice("no one", Decimal(1), "Right!"),
    )


def test_several_right_answers_make_a_single_choice_with_each_fully_right() -> None:
    question = one("Pick one?{=a =b ~c}")
    assert question.type == "single"
    assert [c.weight for c in question.choices] == [1, 1, 0]


def test_weights_may_be_decimal_negative_and_on_right_answers() -> None:
    question = one("Q?{=%50%half ~%-33.333%minus ~%12.5%bit ~%100%full ~wrong}")
    assert question.type == "single"
    assert [str(c.weight) for c in question.choices] == ["0.5", "-0.33333", "0.125", "1", "0"]


def test_weights_without_a_right_answer_make_a_multiple_response_scored_by_weights() -> None:
    question = one("Which two?{~%50%Grant ~%50%his wife ~%-100%his father}")
    assert question.type == "multiple"
    assert question.multiple_rule == "weights"
    assert [c.weight for c in question.choices] == [Decimal("0.5"), Decimal("0.5"), Decimal(-1)]


@pytest.mark.parametrize(("mark", "right"), [("T", "true"), ("TRUE", "true"), ("F", "false"), ("FALSE", "false")])
def test_true_false_answers_are_two_keyed_options(mark: str, right: str) -> None:
    question = one(f"The sun is hot.{{{mark}}}")
    assert question.type == "truefalse"
    assert [(c.key, c.html) for c in question.choices] == [("true", ""), ("false", "")]
    assert {c.key: c.weight for c in question.choices}[right] == 1
    assert sum(c.weight for c in question.choices) == 1


def test_true_false_feedback_goes_to_the_option_that_shows_it() -> None:
    question = one("The sun is cold.{FALSE#shown when answered wrong#shown when answered right}")
    true, false = question.choices
    assert (true.weight, true.feedback_html) == (0, "shown when answered wrong")
    assert (false.weight, false.feedback_html) == (1, "shown when answered right")


def test_short_answers_take_weights_feedback_and_star_wildcards() -> None:
    question = one("Who?{=no one =%50%no*#almost =nobody}")
    assert question.type == "short"
    assert question.text_answers == (
        TextAnswer("no one"),
        TextAnswer("no*", Decimal("0.5"), is_pattern=True, feedback_html="almost"),
        TextAnswer("nobody"),
    )


def test_an_escaped_star_is_literal_and_kept_escaped_only_inside_a_pattern() -> None:
    literal, pattern = one("Q?{=5\\*3 =a\\*b*}").text_answers
    assert (literal.text, literal.is_pattern) == ("5*3", False)
    assert (pattern.text, pattern.is_pattern) == ("a\\*b*", True)


def test_numerical_answers_take_tolerance_range_or_an_exact_value() -> None:
    (tolerance,) = one("Pi?{#3.14:0.01}").number_answers
    assert tolerance == NumberAnswer(Decimal("3.13"), Decimal("3.15"), Decimal("3.14"), Decimal("0.01"))
    (span,) = one("Q?{#-5..-1.5}").number_answers
    assert span == NumberAnswer(Decimal(-5), Decimal("-1.5"))
    (exact,) = one("Q?{#1822}").number_answers
    assert exact == NumberAnswer(Decimal(1822), Decimal(1822), Decimal(1822), None)


def test_several_numerical_answers_take_weights_feedback_and_other_feedback() -> None:
    question = one("Q?{#\n  =20:0#exact\n  =%50%24:2\n  ~#feedback for any other number\n}")
    assert question.type == "numerical"
    assert question.number_answers == (
        NumberAnswer(Decimal(20), Decimal(20), Decimal(20), Decimal(0), feedback_html="exact"),
        NumberAnswer(Decimal(22), Decimal(26), Decimal(24), Decimal(2), weight=Decimal("0.5")),
    )
    assert question.other_feedback_html == "feedback for any other number"


def test_matching_pairs_and_a_distractor() -> None:
    question = one("Match.{\n=Canada -> Ottawa\n=Italy -> Rome\n= -> Paris\n}")
    assert question.type == "matching"
    assert question.pairs == (Pair("Canada", "Ottawa"), Pair("Italy", "Rome"))
    assert question.distractors == ("Paris",)


@pytest.mark.parametrize("block", ["{}", "{ }", "{####Look at the rubric.}"])
def test_an_empty_block_or_only_general_feedback_is_an_essay(block: str) -> None:
    question = one(f"Write about ASN.{block}")
    assert question.type == "essay"
    assert question.general_feedback_html == ("Look at the rubric." if "####" in block else "")


def test_an_answer_block_inside_the_text_leaves_a_blank() -> None:
    question = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question.stem_html == "Grant is _____ in Grant's tomb."
    assert question.stem_source == "Grant is _____ in Grant's tomb."
    assert one("[markdown]{=A ~B} is the first letter.").stem_html == "<p>_____ is the first letter.</p>"


@pytest.mark.parametrize(
    "block", ["{=a ~b####gen}", "{T####gen}", "{=a =b####gen}", "{#1####gen}", "{=a->b =c->d####gen}", "{####gen}"]
)
def test_general_feedback_before_the_closing_brace_works_for_every_type(block: str) -> None:
    assert one(f"Q?{block}").general_feedback_html == "gen"


# --- refusals ----------------------------------------------------------------------


def test_a_description_item_is_refused_at_its_first_line() -> None:
    assert only_problem("A?{T}\n\n// c\nJust some text\nover two lines") == (
        'bank.gift:4: description item (text with no answer block "{...}") is not supported: '
        "put such text in the quiz's Markdown body"
    )


@pytest.mark.parametrize("cloze", ["{1:SA:=Paris}", "{2:MULTICHOICE:=a~b}", "{:NUMERICAL:=3}"])
def test_embedded_answer_cloze_syntax_is_refused(cloze: str) -> None:
    message = only_problem(f"\nCapital of France: {cloze}.")
    assert message.startswith("bank.gift:2: embedded-answer (Cloze) syntax")


def test_an_unclosed_brace_is_reported_at_its_opening_line() -> None:
    text = "// c\n::T::Question\ntext {=a\n~b\n~c"
    assert only_problem(text) == 'bank.gift:3: unclosed answer block "{" (opened here): close it with "}"'


def test_a_brace_opened_inside_an_open_block_is_reported_at_the_first_opening() -> None:
    assert only_problem("Q {=a\n~b\nmore {=c ~d}") == (
        'bank.gift:1: unclosed answer block "{" (opened here): another "{" follows on line 3 '
        'before any "}" (write "\\{" for a literal brace)'
    )


def test_a_stray_closing_brace_is_reported_at_its_line() -> None:
    expected = 'unmatched "}" with no answer block open: write "\\}" for a literal brace'
    assert only_problem("Q\na } b {T}") == f"bank.gift:2: {expected}"
    assert only_problem("Q {T}\nthen }") == f"bank.gift:2: {expected}"


def test_two_answer_blocks_in_one_question_are_refused_at_its_first_line() -> None:
    assert only_problem("\nA?{T}\nB?{F}") == (
        'bank.gift:2: two answer blocks in one question (the second "{" is on line 3): '
        'separate questions with a blank line, or write "\\{" for a literal brace'
    )


def test_a_choice_in_which_nothing_is_right_is_refused() -> None:
    assert only_problem("Q?{~a ~b ~%-50%c}").startswith("bank.gift:1: nothing is right in this choice block")


def test_a_choice_needs_two_options() -> None:
    assert only_problem("Q?{~a}") == "bank.gift:1: a choice block needs at least two options (write {=right ~wrong})"


def test_an_unescaped_equals_inside_a_matching_answer_is_reported_with_the_escape_to_use() -> None:
    assert only_problem("Hitung.{=2 = 1+1 -> dua =3 -> tiga}") == (
        'bank.gift:1: matching answer "2" has no "->": an unescaped "=" starts a new answer '
        '(write "\\=" for the character)'
    )


def test_an_unescaped_equals_that_leaves_an_empty_option_is_reported() -> None:
    assert only_problem("Q?{=a = ~b}") == (
        'bank.gift:1: empty option "=" in a choice block: an unescaped "=" or "~" starts a new answer '
        '(write "\\=" or "\\~" for the character)'
    )
    assert only_problem("Q?{=a ~b ~}").startswith("bank.gift:1: empty option in a choice block")


@pytest.mark.parametrize("block", ["{~=right ~wrong}", "{~ =right ~wrong}", "{~\t=right\n~wrong}", "{~wrong ~=right}"])
def test_a_tilde_before_an_equals_sign_is_a_right_answer_as_in_moodle(block: str) -> None:
    question = one(f"Q?{block}")
    assert question.type == "single"
    assert {c.html: c.weight for c in question.choices} == {"right": Decimal(1), "wrong": Decimal(0)}


def test_a_bank_writing_every_right_answer_as_tilde_equals_loads_with_feedback() -> None:
    bank = "// [id:q-asn]\nASN adalah ...{\n  ~=Aparatur Sipil Negara#Benar.\n  ~Aparatur Sipil Nasional#Bukan.\n}"
    question = one(bank)
    assert question.choices == (
        Choice("Aparatur Sipil Negara", Decimal(1), "Benar."),
        Choice("Aparatur Sipil Nasional", Decimal(0), "Bukan."),
    )


def test_tilde_equals_with_space_between_right_answers_makes_each_fully_right() -> None:
    assert [c.weight for c in one("Q?{=a ~ =b ~c}").choices] == [1, 1, 0]


@pytest.mark.parametrize("block", ["{=a ~ ~b}", "{=a ~~b}", "{~=a ~ }", "{~ ~=a ~b}"])
def test_an_empty_option_not_followed_by_an_equals_sign_is_still_refused(block: str) -> None:
    assert only_problem(f"Q?{block}").startswith("bank.gift:1: empty option in a choice block")


def test_an_empty_short_answer_is_refused() -> None:
    assert only_problem("Q?{=a ==b}") == (
        'bank.gift:1: empty answer in a short-answer block: an unescaped "=" starts a new answer '
        '(write "\\=" for the character)'
    )


def test_matching_needs_two_pairs_and_text_after_the_arrow() -> None:
    assert only_problem("Q?{=a -> b = -> c}") == (
        'bank.gift:1: a matching block needs at least two pairs "=left -> right" (found 1)'
    )
    assert only_problem("Q?{=a -> b =c -> }") == 'bank.gift:1: matching answer "c ->" has nothing after "->"'


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("{#three}", 'numerical answer "three" is not a number'),
        ("{#3,14}", 'numerical answer "3,14" is not a number (use "." as the decimal mark)'),
        ("{#3.14:x}", 'numerical tolerance "x" is not a number'),
        ("{#5..1}", 'numerical range "5..1" runs backwards: write the low end first'),
        ("{#1e999}", 'numerical answer "1e999" is out of range'),
        ("{#}", "a numerical block needs at least one number (write {#3.14:0.01} or {#1..5})"),
        ("{#=1 =}", "numerical answer is empty: write a number such as 3.14"),
    ],
)
def test_numerical_answers_that_are_not_numbers_are_refused(block: str, message: str) -> None:
    assert only_problem(f"\n\nQ?{block}") == f"bank.gift:3: {message}"


def test_messages_quote_the_source_on_one_short_line() -> None:
    message = only_problem("Q?{#\n  =12\n  34" + "5" * 80 + "\n}")
    assert message == 'bank.gift:1: numerical answer "12 34' + "5" * 54 + '…" is not a number'


def test_a_refused_question_does_not_stop_the_others_and_every_problem_is_reported() -> None:
    questions, issues = parse_gift("A?{T}\n\nB {\n\nC?{~a}\n\nD?{F}\n\nE", PATH)
    assert [q.stem_html for q in questions] == ["A?", "D?"]
    assert [(i.path, i.line) for i in issues] == [(PATH, 3), (PATH, 5), (PATH, 9)]


def test_text_that_is_not_valid_unicode_is_reported_not_raised() -> None:
    questions, issues = parse_gift("A?{T}\n\nB\udc80?{T}", PATH)
    assert [str(issue) for issue in issues] == [
        "bank.gift:3: this line is not valid Unicode text (save the file as UTF-8)"
    ]
    assert questions[1].stem_html == "B\ufffd?"


# --- writing and the round trip ------------------------------------------------------

EVERY_TYPE = """$CATEGORY: $course$/top/Bank

// [id:q1] [tag:easy] [tag:uu 5]
::Grant::Who's buried in Grant's tomb?{~Grant#No. =no one#Right! ####General.}

Grant is {~buried =entombed ~living} in Grant's tomb.

Weights?{=%50%half ~%-33.333%minus ~%12.5%bit ~%100%full ~wrong}

Which two?{~%50%Grant ~%50%his wife ~%-100%his father}

The sun is cold.{FALSE#wrong fb#right fb}

[markdown]Who *is* it?{=no one =%50%no* =5\\*3#lit ####gen}

Pi?{#
  =3.14:0.01#close
  =%50%3..4
  =7
  ~#other
####gen}

$CATEGORY: Other

Match.{=[markdown]*Canada* -> Ottawa =Italy -> Rome = -> Paris}

[html]<p>Essay</p> with \\{braces\\} \\= \\~ \\# \\: \\\\ and\\nbreak{####Rubric.}

// [points:3] [rule:count]
Count?{~%100%a ~b ~%100%c}
"""


def test_write_then_parse_gives_equal_questions_for_every_type() -> None:
    questions = parse_ok(EVERY_TYPE)
    assert len(questions) == 10
    assert_round_trips(questions)


def test_hand_built_markdown_quiz_questions_round_trip_with_points_and_count_rule() -> None:
    base: dict[str, Any] = {"stem_source": "", "points": Decimal(2)}
    questions = [
        QuestionSpec(
            "multiple",
            "<p>Pilih dua</p>",
            ident="q-two",
            choices=(Choice("a", Decimal(1), "<p>ya</p>"), Choice("b", Decimal(1)), Choice("c", Decimal(0))),
            **base,
        ),
        QuestionSpec(
            "single", "<p>Satu</p>", choices=(Choice("<em>x</em>", Decimal(1)), Choice("y", Decimal(0))), **base
        ),
        QuestionSpec(
            "truefalse",
            "<p>Salah?</p>",
            choices=(Choice("", Decimal(1), "<p>Ya</p>", key="false"), Choice("", Decimal(0), key="true")),
            **base,
        ),
        QuestionSpec(
            "numerical",
            "<p>Angka</p>",
            number_answers=(
                NumberAnswer(Decimal(20), Decimal(20), Decimal(20), Decimal(0)),
                NumberAnswer(Decimal(18), Decimal(22)),
            ),
            **base,
        ),
        QuestionSpec("short", "<p>Singkatan</p>", text_answers=(TextAnswer("A*S*N"), TextAnswer("[ASN]")), **base),
        QuestionSpec("matching", "<p>Pasangkan</p>", pairs=(Pair("BKN", "<em>m</em>"), Pair("KASN", "n")), **base),
        QuestionSpec("essay", "<p>Esai</p>\n<p>Tulis.</p>", general_feedback_html="<p>Umum</p>", **base),
        QuestionSpec(
            "single", "<p>Semua benar</p>", choices=(Choice("a", Decimal(1)), Choice("b", Decimal(1))), **base
        ),
    ]
    assert_round_trips(questions)


def test_a_single_choice_whose_right_answer_has_a_weight_round_trips() -> None:
    question = one("Q?{=%50%half ~none}")
    assert (question.type, [str(c.weight) for c in question.choices]) == ("single", ["0.5", "0"])
    assert "\t=%50%[html]half\n" in write_gift([question])
    assert_round_trips([question])


def test_html_full_of_gift_specials_round_trips() -> None:
    html = '<p>a {b} = ~c # d: e \\ f -&gt; g</p>\n<p title="x:y">%50% [html]</p> '
    question = QuestionSpec(
        "single",
        html,
        "",
        title="T::i{t}le",
        category="Unit: 1",
        choices=(Choice("[html]=x", Decimal(1), html), Choice("%5% off", Decimal(0))),
        general_feedback_html=html,
    )
    assert_round_trips([question])


def test_a_lone_short_answer_containing_an_arrow_round_trips() -> None:
    assert_round_trips([one("Q?{a -> b}")])


def test_written_gift_is_plain_moodle_gift() -> None:
    written = write_gift(parse_ok(EVERY_TYPE))
    assert written.startswith("$CATEGORY: $course$/top/Bank\n\n// [id:q1] [tag:easy] [tag:uu 5]\n::Grant::[html]")
    assert "{\n\t~[html]Grant#[html]No.\n\t=[html]no one#[html]Right!\n\t####[html]General.\n}\n" in written
    assert "{\n\tFALSE#[html]wrong fb#[html]right fb\n}" in written
    assert "\t#\n\t=3.14:0.01#[html]close\n\t=%50%3..4\n\t=7\n\t~#[html]other\n" in written
    assert "[html]<p>Essay</p> with \\{braces\\} \\= \\~ \\# \\: \\\\ and\\nbreak{" in written
    assert "// [points:3] [rule:count]\n" in written


def test_the_writer_refuses_what_gift_cannot_carry() -> None:
    with pytest.raises(GiftWriteError, match="at least two options"):
        write_gift([QuestionSpec("single", "Q", "", choices=(Choice("a", Decimal(1)),))])
    with pytest.raises(GiftWriteError, match='only a lone short answer may contain "->"'):
        write_gift([QuestionSpec("short", "Q", "", text_answers=(TextAnswer("a->b"), TextAnswer("c")))])


# --- fuzzing ---------------------------------------------------------------------------

_FRAGMENTS = [
    "{", "}", "=", "~", "#", "####", "->", "%", "%50%", "%-12.5%", "::", "\n", "\n\n", "\r\n", "\t", " ",
    "\\", "\\=", "\\~", "\\#", "\\{", "\\}", "\\:", "\\n", "\\\\", "\\*", "*", "T", "FALSE", "..", ":",
    "1", "3.14", "-2", "1e999", "$CATEGORY: c", "//", "// [id:x] [tag:t] [points:2] [rule:count]",
    "[order:false-true]", "[markdown]", "[html]", "[plain]", "[moodle]", "<b>", "</b>", "&amp;", "a",
    "b c", "_", "- ", "1:SA:", "[", "]", "\u00a0", "\ufeff",
]  # fmt: skip
GIFT_LIKE = st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join)

_WORDS = ["a", "b c", " ", "\\=", "\\~", "\\#", "\\{", "\\}", "\\:", "\\n", "\\\\", "\\*", "*", "<i>x</i>", "&amp;"]
_TEXT = st.lists(st.sampled_from([*_WORDS, "[", "_", "->", "%", "1", ":", "..", "//", "\n"]), max_size=5).map("".join)
_PIECE = st.tuples(st.sampled_from(["", "[markdown]", "[html]", "[plain]", "[moodle]"]), _TEXT).map("".join)
_ANSWER = st.tuples(
    st.sampled_from(["=", "~", ""]),
    st.sampled_from(["", "%50%", "%-33.3%", "%100%", "%0%"]),
    _PIECE,
    st.one_of(st.just(""), _PIECE.map("#".__add__)),
).map("".join)
_BLOCK = st.one_of(
    st.lists(_ANSWER, max_size=4).map(" ".join),
    st.sampled_from(["T", "FALSE#no#yes", "#3.14:0.01", "#1..5 =%50%7#f ~#other", "=a -> b =c -> d = -> e"]),
)
_QUESTION = st.tuples(
    st.sampled_from(["", "// [id:q] [tag:t]\n", "// [points:2] [rule:count] [order:false-true]\n"]),
    st.sampled_from(["", "::T\\:1::"]),
    _PIECE,
    _BLOCK.map("{{{}}}".format),
    st.sampled_from(["", " after"]),
).map("".join)
QUESTION_LIKE = st.lists(st.one_of(_QUESTION, st.just("$CATEGORY: c")), min_size=1, max_size=4).map("\n\n".join)


@FUZZ
@given(st.text())
def test_any_text_is_parsed_without_raising(text: str) -> None:
    questions, issues = parse_gift(text, PATH)
    assert isinstance(questions, list)
    assert isinstance(issues, list)


@ROUND_TRIP_FUZZ
@given(st.one_of(GIFT_LIKE, QUESTION_LIKE))
def test_gift_like_text_never_raises_and_every_question_read_round_trips(text: str) -> None:
    questions, issues = parse_gift(text, PATH)
    assert all(issue.line >= 1 and len(str(issue).splitlines()) == 1 for issue in issues)
    assert [comparable(q) for q in round_trip(questions)] == [comparable(q) for q in questions]


@FUZZ
@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_any_code_points_even_lone_surrogates_are_parsed_without_raising(text: str) -> None:
    questions, issues = parse_gift(text, PATH)
    assert isinstance(questions, list)
    assert isinstance(issues, list)
