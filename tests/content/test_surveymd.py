"""Feedback surveys in Markdown (``*.survey.md``) and quiz roles: every item kind, attribute and error."""

from __future__ import annotations

from pathlib import Path

from elearn.content.specs import CourseSpec, QuizSpec, SurveySpec
from elearn.content.tree import parse_content

COURSE_MD = "---\ncode: SURV-1\ntitle: Survei\njp: 2\ncompetency: teknis\n---\n"
LESSON = "# Pelajaran\n\nIsi.\n"
QUIZ = "---\ntitle: Kuis\n---\n## Dua tambah dua?\n\n= 4\n"

SURVEY = """\
---
title: Umpan balik
required: true
---

Jawaban Anda **anonim**.

## Materi relevan dengan pekerjaan saya. {type=likert id=relevansi}

## Seberapa puas Anda? {type=likert}

- Sangat tidak puas
- Tidak puas
- Biasa saja
- Puas
- Sangat puas

## Bagian mana yang paling berguna?

Pilih satu.

- Modul 1
- Modul 2 dengan *contoh*

## Metode apa yang Anda sukai? {multiple optional}

- Video
- Bacaan
- Diskusi

## Saran untuk pelatihan berikutnya {type=text}
"""


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def parse(tmp_path: Path, files: dict[str, str]) -> tuple[list[CourseSpec], list[str]]:
    tree = {"course.md": COURSE_MD, "01-m/01-a.md": LESSON, **files}
    courses, issues = parse_content(write_tree(tmp_path / "c", tree), "content/c")
    return courses, [str(issue) for issue in issues]


def survey_of(tmp_path: Path, text: str, name: str = "umpan-balik.survey.md") -> SurveySpec:
    courses, problems = parse(tmp_path, {name: text})
    assert problems == []
    survey = courses[0].survey
    assert survey is not None
    return survey


def problems_of(tmp_path: Path, text: str) -> list[str]:
    return parse(tmp_path, {"umpan-balik.survey.md": text})[1]


def test_a_survey_file_beside_course_md_becomes_the_course_survey(tmp_path: Path) -> None:
    survey = survey_of(tmp_path, SURVEY)
    assert (survey.slug, survey.title, survey.required) == ("umpan-balik", "Umpan balik", True)
    assert "<strong>anonim</strong>" in survey.intro_html
    kinds = [(item.kind, len(item.options), item.optional, item.ident) for item in survey.items]
    assert kinds == [
        ("likert", 0, False, "relevansi"),
        ("likert", 5, False, None),
        ("single", 2, False, None),
        ("multiple", 3, True, None),
        ("text", 0, True, None),
    ]
    assert "Pilih satu." in survey.items[2].stem_html
    assert survey.items[2].options[1] == "Modul 2 dengan <em>contoh</em>"
    assert survey.items[0].line == 8


def test_a_survey_defaults_to_not_required_and_a_title_from_its_slug(tmp_path: Path) -> None:
    survey = survey_of(tmp_path, "## Puas? {type=likert}\n", name="kesan-peserta.survey.md")
    assert (survey.title, survey.required) == ("Kesan peserta", False)


def test_a_course_without_a_survey_file_has_none(tmp_path: Path) -> None:
    courses, problems = parse(tmp_path, {})
    assert problems == [] and courses[0].survey is None


def test_bad_items_are_refused_with_file_and_line(tmp_path: Path) -> None:
    text = (
        "---\ntitel: x\n---\n"  # line 2
        "## {type=likert}\n"  # line 4: no text
        "## Skala {type=likert}\n\n- a\n- b\n"  # 5: Likert with 2 labels (line 7)
        "## Teks {type=text}\n\n- a\n"  # 9: text with options (line 11)
        "## Tanpa opsi\n"  # 12
        "## Satu opsi\n\n- hanya satu\n"  # 13: one option (line 15)
        "## Kotak centang\n\n- [x] benar\n- [ ] salah\n"  # 16: task list (line 18)
        "## Ganda {type=likert multiple}\n"  # 20
        "## Jenis {type=esai}\n"  # 21
        "## Atribut {points=2}\n"  # 22
        "## Sama\n\n- a\n- A\n"  # 23: duplicate option (line 26)
        "## Teks sesudah\n\n- a\n- b\n\nparagraf liar\n"  # 27: stray text (line 32)
        "## Satu {id=x type=likert}\n## Dua {id=x type=likert}\n"  # 33, 34: duplicate id
    )
    assert problems_of(tmp_path, text) == [
        "content/c/umpan-balik.survey.md:2: unknown key 'titel' (did you mean 'title'?)",
        "content/c/umpan-balik.survey.md:4: survey item heading '## ' has no text",
        "content/c/umpan-balik.survey.md:7: a Likert item lists exactly 5 labels (for 1 to 5), "
        "or none for the default labels (got 2)",
        "content/c/umpan-balik.survey.md:11: a free-text item ({type=text}) takes no options",
        "content/c/umpan-balik.survey.md:12: survey item has no options: add a list ('- option'), "
        "or mark it {type=likert} or {type=text}",
        "content/c/umpan-balik.survey.md:15: a choice item needs at least 2 options",
        "content/c/umpan-balik.survey.md:18: survey options are plain list items ('- option'): "
        "nothing is right or wrong, so no [ ] or [x]",
        "content/c/umpan-balik.survey.md:20: {multiple} applies only to a list of options, not to {type=likert}",
        "content/c/umpan-balik.survey.md:21: unknown survey item type 'esai' (known: type=likert, type=text)",
        "content/c/umpan-balik.survey.md:22: unknown survey item attribute 'points=2' "
        "(known: type=likert, type=text, multiple, optional, id=X)",
        "content/c/umpan-balik.survey.md:26: duplicate option 'A' (also on line 25)",
        "content/c/umpan-balik.survey.md:32: text after the options of this survey item: move it above the list",
        "content/c/umpan-balik.survey.md:34: duplicate survey item id 'x' (also on line 33)",
    ]


def test_a_survey_without_items_is_refused(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "---\ntitle: Kosong\n---\nHanya pengantar.\n") == [
        "content/c/umpan-balik.survey.md:1: survey has no items: start each item with a '## ' heading"
    ]


def test_two_survey_files_and_a_survey_inside_a_module_are_refused(tmp_path: Path) -> None:
    item = "## Puas? {type=likert}\n"
    _courses, problems = parse(tmp_path, {"a.survey.md": item, "b.survey.md": item, "01-m/02-c.survey.md": item})
    assert problems == [
        "content/c/01-m/02-c.survey.md:1: a survey file belongs in the course folder, beside course.md, "
        "not in a module",
        "content/c/a.survey.md:1: a course has at most one survey file (also b.survey.md)",
        "content/c/b.survey.md:1: a course has at most one survey file (also a.survey.md)",
    ]


def test_a_heading_inside_a_code_fence_is_not_an_item(tmp_path: Path) -> None:
    survey = survey_of(tmp_path, "## Contoh? {type=text}\n\n```\n## bukan butir\n- bukan opsi\n```\n")
    assert len(survey.items) == 1
    assert "bukan butir" in survey.items[0].stem_html


def test_the_discussion_key_of_course_md(tmp_path: Path) -> None:
    courses, problems = parse(tmp_path, {"course.md": COURSE_MD.replace("---\n", "---\ndiscussion: lessons\n", 1)})
    assert problems == [] and courses[0].discussion == "lessons"
    assert parse(tmp_path / "x", {})[0][0].discussion == "course"
    bad = parse(tmp_path / "y", {"course.md": COURSE_MD.replace("---\n", "---\ndiscussion: forum\n", 1)})[1]
    assert bad == ["content/c/course.md:2: 'discussion' must be one of: course, lessons, off (got 'forum')"]


def quizzes_of(courses: list[CourseSpec]) -> list[QuizSpec]:
    return [item for m in courses[0].modules for item in m.items if isinstance(item, QuizSpec)]


def test_a_pretest_is_optional_with_no_pass_mark_and_one_attempt_and_a_posttest_is_a_quiz(tmp_path: Path) -> None:
    courses, problems = parse(
        tmp_path,
        {
            "01-m/00-pre.quiz.md": QUIZ.replace("---\n", "---\nrole: pretest\n", 1),
            "01-m/09-post.quiz.md": QUIZ.replace("---\n", "---\nrole: posttest\npass: 80\n", 1),
        },
    )
    assert problems == []
    pre, post = quizzes_of(courses)
    assert (pre.role, pre.optional, pre.pass_percent, pre.attempts) == ("pretest", True, 0, 1)
    assert (post.role, post.optional, post.pass_percent, post.attempts) == ("posttest", False, 80, 0)


def test_pretest_rules_are_checked_with_file_and_line(tmp_path: Path) -> None:
    pretest = QUIZ.replace("---\n", "---\nrole: pretest\npass: 50\noptional: false\n", 1)
    _courses, problems = parse(
        tmp_path,
        {
            "01-m/05-pre.quiz.md": pretest,
            "01-m/06-pre2.quiz.md": QUIZ.replace("---\n", "---\nrole: pretest\n", 1),
            "01-m/07-x.quiz.md": QUIZ.replace("---\n", "---\nrole: final\n", 1),
        },
    )
    assert problems == [
        "content/c/01-m/05-pre.quiz.md:2: a pretest must be the first item of the course's first module "
        "(number it before its lessons)",
        "content/c/01-m/05-pre.quiz.md:3: a pretest (role: pretest) has no pass mark: remove 'pass'",
        "content/c/01-m/05-pre.quiz.md:4: a pretest (role: pretest) never counts toward completion: "
        "remove 'optional'",
        "content/c/01-m/06-pre2.quiz.md:2: a course has at most one pretest (also content/c/01-m/05-pre.quiz.md)",
        "content/c/01-m/07-x.quiz.md:2: 'role' must be one of: pretest, posttest (got 'final')",
    ]
