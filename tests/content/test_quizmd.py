"""Quizzes in Markdown: every question type, attribute, feedback and error."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearn.content.quizmd import parse_quiz_markdown
from elearn.content.specs import Choice, NumberAnswer, Pair, QuestionSpec, QuizSpec, TextAnswer
from elearn.content.tree import parse_content

COURSE_MD = "---\ncode: KUIS-1\ntitle: Kuis\njp: 2\ncompetency: teknis\n---\n"


def parse(body: str, first_line: int = 1) -> tuple[str, list[QuestionSpec], list[str]]:
    intro, questions, issues = parse_quiz_markdown(body, "q.quiz.md", first_line=first_line)
    return intro, questions, [str(issue) for issue in issues]


def one(body: str) -> QuestionSpec:
    _, questions, problems = parse(body)
    assert problems == []
    assert len(questions) == 1
    return questions[0]


def problems_of(body: str) -> list[str]:
    return parse(body)[2]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def parse_module(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[list[QuizSpec], list[str]]:
    tree = {"course.md": COURSE_MD, "media/a.png": b"png", **{f"01-m/{name}": text for name, text in files.items()}}
    courses, issues = parse_content(write_tree(tmp_path / "c", tree), "content/c")
    quizzes = [item for course in courses for m in course.modules for item in m.items if isinstance(item, QuizSpec)]
    return quizzes, [str(issue) for issue in issues]


SIMPLE = "## Dua tambah dua?\n\n= 4\n"


def test_single_choice_with_stem_paragraphs_points_id_and_both_feedbacks() -> None:
    question = one(
        "## Apa kepanjangan **ASN**? {points=2.5 id=q-asn}\n\nPilih satu jawaban.\n\n"
        "- [x] Aparatur Sipil Negara\n  > Tepat.\n- [ ] Aparatur *Sipil* Nasional\n    > Bukan.\n\n"
        "> ASN diatur UU 20/2023.\n"
    )
    assert question.type == "single"
    assert question.points == Decimal("2.5")
    assert question.ident == "q-asn"
    assert question.line == 1
    assert question.stem_source == "Apa kepanjangan **ASN**?\n\nPilih satu jawaban."
    assert question.stem_html == "<p>Apa kepanjangan <strong>ASN</strong>?</p>\n<p>Pilih satu jawaban.</p>"
    assert question.choices == (
        Choice(html="Aparatur Sipil Negara", weight=Decimal(1), feedback_html="<p>Tepat.</p>"),
        Choice(html="Aparatur <em>Sipil</em> Nasional", weight=Decimal(0), feedback_html="<p>Bukan.</p>"),
    )
    assert question.general_feedback_html == "<p>ASN diatur UU 20/2023.</p>"


def test_points_default_to_one_and_intro_is_the_text_before_the_first_question() -> None:
    intro, questions, problems = parse("Kerjakan dengan jujur.\n\n" + SIMPLE)
    assert problems == []
    assert intro == "<p>Kerjakan dengan jujur.</p>"
    assert questions[0].points == Decimal(1)
    assert questions[0].ident is None
    assert questions[0].line == 3


def test_two_checked_options_make_a_multiple_response_question() -> None:
    question = one("## Pilih dua\n\n* [x] a\n* [X] b\n* [ ] c\n")
    assert question.type == "multiple"
    assert question.multiple_rule == "count"
    assert [choice.weight for choice in question.choices] == [Decimal(1), Decimal(1), Decimal(0)]


def test_the_multiple_attribute_makes_one_checked_option_multiple_response() -> None:
    question = one("## Pilih {multiple}\n\n- [x] a\n- [ ] b\n")
    assert question.type == "multiple"


@pytest.mark.parametrize(("right", "wrong"), [("Benar", "Salah"), ("false", "TRUE"), ("Salah", "benar")])
def test_benar_salah_and_true_false_make_a_true_false_question(right: str, wrong: str) -> None:
    question = one(f"## Pernyataan\n\n- [x] {right}\n  > ya\n- [ ] {wrong}\n")
    assert question.type == "truefalse"
    keys = {"benar": "true", "true": "true", "salah": "false", "false": "false"}
    assert question.choices == (
        Choice(html="", weight=Decimal(1), feedback_html="<p>ya</p>", key=keys[right.lower()]),
        Choice(html="", weight=Decimal(0), key=keys[wrong.lower()]),
    )


def test_equals_lines_make_a_short_answer_question_with_answer_feedback() -> None:
    question = one("## Singkatan ASN?\n\n= Aparatur Sipil Negara\n= ASN\n  > singkat juga boleh\n")
    assert question.type == "short"
    assert question.text_answers == (
        TextAnswer(text="Aparatur Sipil Negara"),
        TextAnswer(text="ASN", feedback_html="<p>singkat juga boleh</p>"),
    )


def test_numbers_tolerances_and_ranges_make_a_numerical_question() -> None:
    question = one("## Nilai?\n\n= 20\n= 3.14 ± 0.01\n= 2 +- 1\n= 18..22\n= -1.5\n")
    assert question.type == "numerical"
    assert question.number_answers == (
        NumberAnswer(low=Decimal(20), high=Decimal(20), value=Decimal(20), tolerance=Decimal(0)),
        NumberAnswer(low=Decimal("3.13"), high=Decimal("3.15"), value=Decimal("3.14"), tolerance=Decimal("0.01")),
        NumberAnswer(low=Decimal(1), high=Decimal(3), value=Decimal(2), tolerance=Decimal(1)),
        NumberAnswer(low=Decimal(18), high=Decimal(22)),
        NumberAnswer(low=Decimal("-1.5"), high=Decimal("-1.5"), value=Decimal("-1.5"), tolerance=Decimal(0)),
    )


def test_a_block_with_any_text_line_is_short_answer_even_with_numbers() -> None:
    question = one("## Tahun?\n\n= 1945\n= tahun 1945\n")
    assert question.type == "short"


def test_a_malformed_number_in_a_numeric_block_is_not_a_number() -> None:
    assert problems_of("## Pi?\n\n= 3.14\n= 3.1.4 ± x\n= 1,5\n") == [
        "q.quiz.md:4: not a number: '3.1.4 ± x' (write n, n ± tolerance or low..high, with '.' for decimals)",
        "q.quiz.md:5: not a number: '1,5' (write n, n ± tolerance or low..high, with '.' for decimals)",
    ]


def test_a_backwards_range_and_a_negative_tolerance_are_errors() -> None:
    assert problems_of("## A\n\n= 5..1\n\n## B\n\n= 3 ± -1\n") == [
        "q.quiz.md:3: range '5..1' has its low end above its high end",
        "q.quiz.md:7: tolerance must not be negative in '3 ± -1'",
    ]


def test_arrow_items_make_a_matching_question() -> None:
    question = one("## Pasangkan\n\n- BKN -> Manajemen *kepegawaian*\n- LAN -> Pelatihan\n- KASN -> Sistem merit\n")
    assert question.type == "matching"
    assert question.pairs == (
        Pair(left_html="BKN", right_html="Manajemen <em>kepegawaian</em>"),
        Pair(left_html="LAN", right_html="Pelatihan"),
        Pair(left_html="KASN", right_html="Sistem merit"),
    )


def test_a_matching_block_with_one_pair_is_an_error() -> None:
    assert problems_of("## Pasangkan\n\n- BKN -> Kepegawaian\n") == ["q.quiz.md:3: matching needs at least 2 pairs"]


def test_an_essay_has_no_answer_block_and_keeps_its_whole_stem() -> None:
    question = one("## Jelaskan nilai BerAKHLAK {type=essay points=5}\n\nTulis minimal 100 kata.\n\n> kutipan\n")
    assert question.type == "essay"
    assert question.points == Decimal(5)
    assert question.stem_source == "Jelaskan nilai BerAKHLAK\n\nTulis minimal 100 kata.\n\n> kutipan"
    assert question.choices == ()


def test_an_essay_with_answers_and_a_question_without_answers_are_errors() -> None:
    assert problems_of("## Esai {type=essay}\n\n= jawaban\n\n## Tanpa jawaban\n\nHanya teks.\n") == [
        "q.quiz.md:3: an essay question ({type=essay}) takes no answers",
        "q.quiz.md:5: question has no answers: add a task list (- [x] / - [ ]), '= ' lines or "
        "'left -> right' items, or mark it {type=essay}",
    ]


def test_a_task_list_without_a_checked_option_is_an_error() -> None:
    assert problems_of("## Pilih\n\n- [ ] a\n- [ ] b\n") == [
        "q.quiz.md:3: task list has no [x]: mark the right option(s) with [x]"
    ]


def test_a_choice_needs_two_options_and_each_option_needs_text() -> None:
    assert problems_of("## A\n\n- [x] only\n\n## B\n\n- [x]\n- [ ] b\n") == [
        "q.quiz.md:3: a choice question needs at least 2 options",
        "q.quiz.md:7: option has no text",
    ]


@pytest.mark.parametrize(
    ("heading", "message"),
    [
        ("## Q {pts=2}", "unknown question attribute 'pts=2' (known: points=N, id=X, type=essay, multiple)"),
        ("## Q {points=0}", "points must be a positive number (got '0')"),
        ("## Q {points=dua}", "points must be a positive number (got 'dua')"),
        ("## Q {id=}", "attribute 'id=' needs a value, e.g. {id=q-asn}"),
        ("## Q {type=single}", "unknown question type 'single': only {type=essay} is written on the heading"),
        ("## {points=2}", "question heading '## ' has no text"),
    ],
)
def test_wrong_heading_attributes_are_errors_at_the_heading(heading: str, message: str) -> None:
    assert problems_of(f"intro\n\n{heading}\n\n- [x] a\n- [ ] b\n") == [f"q.quiz.md:3: {message}"]


def test_multiple_on_anything_but_a_task_list_is_an_error() -> None:
    assert problems_of("## Q {multiple}\n\n= a\n") == ["q.quiz.md:1: {multiple} applies only to a task list"]


def test_mixed_and_stray_lines_in_an_answer_block_are_errors() -> None:
    assert problems_of(
        "## A\n\n- [x] a\n= b\n\n## B\n\n- [x] a\n- c\n\n## C\n\n- a -> b\n- c\n\n## D\n\n= a\n\nmore text\n"
    ) == [
        "q.quiz.md:4: answers of one question must all be task list items, not '= ' lines",
        "q.quiz.md:9: list item without [ ] or [x] in a task list: every option needs one",
        "q.quiz.md:14: list item without ' -> ' in a matching block: write 'left -> right'",
        "q.quiz.md:20: text after the answers of this question: move it above the answers, "
        "or start it with '> ' as feedback",
    ]


def test_a_plain_list_and_code_in_the_stem_are_not_answers() -> None:
    question = one(
        "## Perhatikan\n\n- butir satu\n- butir dua\n\n```\n## not a heading\n= not an answer\n```\n\n= jawab\n"
    )
    assert question.type == "short"
    assert "<li>butir satu</li>" in question.stem_html
    assert "## not a heading" in question.stem_html


def test_line_numbers_count_from_the_first_line_of_the_body() -> None:
    assert problems_of("") == []
    _, _, problems = parse("## Q\n\n- [ ] a\n- [ ] b\n", first_line=7)
    assert problems == ["q.quiz.md:9: task list has no [x]: mark the right option(s) with [x]"]


def test_option_and_feedback_html_is_sanitised() -> None:
    question = one("## Q <script>x()</script>\n\n- [x] <b onclick='x()'>a</b>\n  > [f](javascript:alert(1))\n- [ ] b\n")
    rendered = question.stem_html + question.choices[0].html + question.choices[0].feedback_html
    assert "script" not in rendered
    assert "onclick" not in rendered
    assert "javascript" not in rendered
    assert question.choices[0].html == "<b>a</b>"


def test_several_errors_in_one_quiz_are_all_reported() -> None:
    _, questions, problems = parse("## A\n\n- [ ] a\n- [ ] b\n\n## B\n\n- x -> y\n\n## C {bad}\n\n= 1\n\n" + SIMPLE)
    assert [question.stem_source for question in questions] == ["Dua tambah dua?"]
    assert problems == [
        "q.quiz.md:3: task list has no [x]: mark the right option(s) with [x]",
        "q.quiz.md:8: matching needs at least 2 pairs",
        "q.quiz.md:10: unknown question attribute 'bad' (known: points=N, id=X, type=essay, multiple)",
    ]


QUIZ_LINES = [
    "## Q",
    "## Q {points=2 id=a multiple}",
    "## {x}",
    "## Q {type=essay}",
    "- [x] a",
    "- [ ] b",
    "* [X] Benar",
    "- [ ] Salah",
    "= 3",
    "= 1..2",
    "= 3 ± 0.1",
    "= a",
    "- a -> b",
    "  > fb",
    "> general",
    "",
    "```",
    "text",
    "  more",
    "\t> x",
    "- plain",
    "= ",
    "- [x]",
    "= 3.1.4 ± x",
    "~~~",
    "[l](media/x.png)",
    "## Q {points=}",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(QUIZ_LINES) | st.text(max_size=20), max_size=20))
def test_parse_quiz_markdown_never_raises_on_arbitrary_text(lines: list[str]) -> None:
    _, questions, issues = parse_quiz_markdown("\n".join(lines), "q.quiz.md")
    assert all(issue.line >= 1 for issue in issues)
    assert all(question.points > 0 for question in questions)


# ---------------------------------------------------------------- quiz files in a tree


def test_quiz_front_matter_defaults(tmp_path: Path) -> None:
    quizzes, problems = parse_module(tmp_path, {"01-uji-awal.quiz.md": SIMPLE})
    assert problems == []
    quiz = quizzes[0]
    assert (quiz.slug, quiz.title, quiz.pass_percent, quiz.attempts, quiz.time_limit) == (
        "uji-awal",
        "uji-awal",
        Decimal(70),
        0,
        None,
    )
    assert (quiz.grading, quiz.shuffle, quiz.draw, quiz.review, quiz.optional) == (
        "highest",
        True,
        None,
        "immediately",
        False,
    )
    assert quiz.path == "content/c/01-m/01-uji-awal.quiz.md"
    assert quiz.questions[0].path == "content/c/01-m/01-uji-awal.quiz.md"


def test_quiz_front_matter_values(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Uji\npass: 82.5\nattempts: 3\ntime_limit: 30\ngrading: last\nshuffle: false\ndraw: 1\n"
        "review: after_close\noptional: true\n---\nBaca dulu.\n\n" + SIMPLE + "\n" + SIMPLE
    )
    quizzes, problems = parse_module(tmp_path, {"01-uji.quiz.md": text})
    assert problems == []
    quiz = quizzes[0]
    assert (quiz.title, quiz.pass_percent, quiz.attempts, quiz.time_limit) == ("Uji", Decimal("82.5"), 3, 30)
    assert (quiz.grading, quiz.shuffle, quiz.draw, quiz.review, quiz.optional) == (
        "last",
        False,
        1,
        "after_close",
        True,
    )
    assert quiz.intro_html == "<p>Baca dulu.</p>"
    assert [question.line for question in quiz.questions] == [14, 18]


def test_quiz_front_matter_errors_name_key_and_line(tmp_path: Path) -> None:
    text = "---\npass: 120\nattempts: -1\ngrading: best\nshuffle: ya\nreveiw: never\n---\n" + SIMPLE
    _, problems = parse_module(tmp_path, {"01-uji.quiz.md": text})
    path = "content/c/01-m/01-uji.quiz.md"
    assert problems == [
        f"{path}:2: 'pass' must be from 0 to 100 (got 120)",
        f"{path}:3: 'attempts' must be 0 or more (got -1)",
        f"{path}:4: 'grading' must be one of: highest, average, first, last (got 'best')",
        f"{path}:5: 'shuffle' must be true or false (got 'ya')",
        f"{path}:6: unknown key 'reveiw' (did you mean 'review'?)",
    ]


def test_draw_larger_than_the_pool_is_an_error(tmp_path: Path) -> None:
    _, problems = parse_module(tmp_path, {"01-uji.quiz.md": "---\ndraw: 3\n---\n" + SIMPLE})
    assert problems == ["content/c/01-m/01-uji.quiz.md:2: 'draw' is 3 but the quiz has only 1 questions"]


def test_a_quiz_without_questions_is_an_error(tmp_path: Path) -> None:
    _, problems = parse_module(tmp_path, {"01-uji.quiz.md": "---\ntitle: Kosong\n---\nHanya intro.\n"})
    assert problems == [
        "content/c/01-m/01-uji.quiz.md:1: quiz has no questions: start each question with a '## ' heading"
    ]


def test_included_quiz_markdown_questions_come_after_the_quiz_own(tmp_path: Path) -> None:
    quizzes, problems = parse_module(
        tmp_path,
        {
            "01-uji.quiz.md": "---\ninclude: [bank.quiz.md, 02-lain.quiz.md]\ndraw: 3\n---\n## Sendiri\n\n= a\n",
            "bank.quiz.md": "---\npass: 10\n---\n## Dari bank\n\n= b\n",
            "02-lain.quiz.md": "## Dari kuis lain\n\n= c\n",
        },
    )
    assert problems == []
    first = quizzes[0]
    assert [q.stem_source for q in first.questions] == ["Sendiri", "Dari bank", "Dari kuis lain"]
    assert first.questions[1].path == "content/c/01-m/bank.quiz.md"
    assert [quiz.slug for quiz in quizzes] == ["uji", "lain"]


def test_bad_includes_are_errors_at_their_list_item_line(tmp_path: Path) -> None:
    _, problems = parse_module(
        tmp_path,
        {
            "01-uji.quiz.md": (
                "---\ninclude:\n  - missing.gift\n  - notes.txt\n  - 01-uji.quiz.md\n  - bank.quiz.md\n"
                "  - bank.quiz.md\n---\n" + SIMPLE
            ),
            "bank.quiz.md": SIMPLE,
        },
    )
    path = "content/c/01-m/01-uji.quiz.md"
    assert problems == [
        f"{path}:3: 'include' lists 'missing.gift', which is not a file in this module's folder",
        f"{path}:4: 'include' lists 'notes.txt': only .gift and .quiz.md files can be included",
        f"{path}:5: 'include' lists '01-uji.quiz.md', this quiz itself",
        f"{path}:7: 'include' lists 'bank.quiz.md' twice",
    ]


def test_errors_inside_an_included_file_are_reported_in_that_file(tmp_path: Path) -> None:
    _, problems = parse_module(
        tmp_path,
        {
            "01-uji.quiz.md": "---\ninclude: [bank.quiz.md]\n---\n" + SIMPLE,
            "bank.quiz.md": "---\ntitel: x\n---\n## Q\n\n- [ ] a\n- [ ] b\n",
        },
    )
    assert problems == [
        "content/c/01-m/bank.quiz.md:2: unknown key 'titel' (did you mean 'title'?)",
        "content/c/01-m/bank.quiz.md:6: task list has no [x]: mark the right option(s) with [x]",
    ]


def test_a_question_id_used_twice_in_one_quiz_is_an_error(tmp_path: Path) -> None:
    _, problems = parse_module(
        tmp_path,
        {
            "01-uji.quiz.md": "---\ninclude: [bank.quiz.md]\n---\n## A {id=q1}\n\n= a\n",
            "bank.quiz.md": "## B {id=q1}\n\n= b\n",
        },
    )
    assert problems == [
        "content/c/01-m/bank.quiz.md:1: duplicate question id 'q1' (also content/c/01-m/01-uji.quiz.md:4)"
    ]


def test_media_links_in_questions_are_rewritten_and_checked(tmp_path: Path) -> None:
    quizzes, problems = parse_module(
        tmp_path,
        {
            "01-uji.quiz.md": "## Lihat ![a](../media/a.png)\n\n- [x] ![b](../media/missing.png)\n- [ ] tidak\n",
        },
    )
    assert problems == [
        "content/c/01-m/01-uji.quiz.md:3: media file 'missing.png' not found in the course's media/ folder"
    ]
    assert 'src="/media/KUIS-1/a.png?v=' in quizzes[0].questions[0].stem_html


def test_a_gift_bank_can_be_included(tmp_path: Path) -> None:
    pytest.importorskip("elearn.content.gift")
    quizzes, problems = parse_module(
        tmp_path,
        {
            "01-uji.quiz.md": "---\ninclude: [bank.gift]\n---\n" + SIMPLE,
            "bank.gift": "::q1:: Ibu kota Indonesia? {=Jakarta ~Bandung}\n\n// [id:q2]\nASN netral. {T}\n",
        },
    )
    assert problems == []
    questions = quizzes[0].questions
    assert [question.type for question in questions] == ["numerical", "single", "truefalse"]
    assert questions[1].path == "content/c/01-m/bank.gift"
    assert questions[2].ident == "q2"


def test_errors_in_a_gift_bank_are_reported_in_the_bank(tmp_path: Path) -> None:
    pytest.importorskip("elearn.content.gift")
    _, problems = parse_module(
        tmp_path,
        {
            "01-uji.quiz.md": "---\ninclude: [bank.gift]\n---\n" + SIMPLE,
            "bank.gift": "Soal pertama {=a ~b}\n\nSoal tanpa tutup {=a ~b\n",
        },
    )
    assert len(problems) == 1
    assert problems[0].startswith("content/c/01-m/bank.gift:3: ")


def test_an_option_may_continue_on_indented_lines_before_its_feedback() -> None:
    question = one("## Q\n\n- [x] awal\n  lanjutan\n  > umpan\n  balik\n- [ ] b\n")
    assert question.choices[0].html == "awal lanjutan"
    assert question.choices[0].feedback_html == "<p>umpan\nbalik</p>"
