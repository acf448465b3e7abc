"""The content tree: folders, ordering, course settings and tree-wide checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from elearn.content.specs import CourseSpec, LessonSpec, QuizSpec
from elearn.content.tree import parse_content


def course_md(code: str = "PEL-01", extra: str = "") -> str:
    return f"---\ncode: {code}\ntitle: Pelayanan Publik\njp: 12\ncompetency: teknis\n{extra}---\nTentang kursus.\n"


LESSON = "# Judul\n\nIsi.\n"
QUIZ = "## Berapa?\n\n= 4\n"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def parse(root: Path, files: dict[str, str | bytes], display: str = "content") -> tuple[list[CourseSpec], list[str]]:
    courses, issues = parse_content(write_tree(root, files), display)
    return courses, [str(issue) for issue in issues]


def test_a_root_of_courses_yields_every_course_with_paths_under_the_dir_as_given(tmp_path: Path) -> None:
    courses, problems = parse(
        tmp_path,
        {
            "pelayanan/course.md": course_md("PEL-01"),
            "pelayanan/01-dasar/01-a.md": LESSON,
            "etika/course.md": course_md("ETK-01"),
            "etika/01-dasar/01-a.md": LESSON,
        },
        display="content/",
    )
    assert problems == []
    assert [course.code for course in courses] == ["ETK-01", "PEL-01"]
    assert courses[1].path == "content/pelayanan/course.md"
    assert courses[1].modules[0].items[0].path == "content/pelayanan/01-dasar/01-a.md"


def test_a_single_course_folder_is_accepted_as_the_dir(tmp_path: Path) -> None:
    courses, problems = parse(
        tmp_path / "pelayanan",
        {
            "course.md": course_md(),
            "01-dasar/01-a.md": LESSON,
        },
        display="content/pelayanan",
    )
    assert problems == []
    assert len(courses) == 1
    assert courses[0].modules[0].path == "content/pelayanan/01-dasar"


def test_course_settings_are_read_with_their_defaults(tmp_path: Path) -> None:
    courses, problems = parse(tmp_path, {"course.md": course_md(), "01-dasar/01-a.md": LESSON})
    assert problems == []
    course = courses[0]
    assert (course.code, course.title, course.summary, course.jp, course.competency) == (
        "PEL-01",
        "Pelayanan Publik",
        "",
        12,
        "teknis",
    )
    assert (course.level, course.language, course.enrolment, course.enrolment_key_env) == ("dasar", "id", "open", None)
    assert (course.sequential, course.certificate, course.instructors, course.tags) == (True, True, (), ())
    assert (course.opens, course.closes) == (None, None)
    assert course.description_html == "<p>Tentang kursus.</p>"


def test_every_course_setting_can_be_given(tmp_path: Path) -> None:
    extra = (
        "summary: Satu baris\nlevel: lanjut\nlanguage: en\nenrolment: key\nenrolment_key_env: KEY_PEL\n"
        "sequential: false\ncertificate: false\ninstructors: [budi, siti]\ntags: [pelayanan]\n"
        "opens: 2025-01-01\ncloses: 2025-12-31\n"
    )
    courses, problems = parse(tmp_path, {"course.md": course_md(extra=extra), "01-dasar/01-a.md": LESSON})
    assert problems == []
    course = courses[0]
    assert (course.summary, course.level, course.language, course.enrolment) == ("Satu baris", "lanjut", "en", "key")
    assert (course.enrolment_key_env, course.sequential, course.certificate) == ("KEY_PEL", False, False)
    assert (course.instructors, course.tags) == (("budi", "siti"), ("pelayanan",))
    assert (course.opens, course.closes) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_missing_required_course_keys_are_reported_on_line_one(tmp_path: Path) -> None:
    _, problems = parse(tmp_path, {"course.md": "---\ntitle: T\n---\n", "01-dasar/01-a.md": LESSON})
    assert problems == [
        "content/course.md:1: missing required key 'code'",
        "content/course.md:1: missing required key 'competency'",
        "content/course.md:1: missing required key 'jp'",
    ]


def test_course_keys_are_checked_by_type_and_rule(tmp_path: Path) -> None:
    extra = "competency: teknik\nenrolment: key\nopens: 2025-02-01\ncloses: 2025-01-01\n"
    text = "---\ncode: pel 01\ntitle: T\njp: 250\n" + extra + "---\n"
    _, problems = parse(tmp_path, {"course.md": text, "01-dasar/01-a.md": LESSON})
    assert problems == [
        "content/course.md:2: 'code' must be 2 to 32 capital letters, digits or dashes, not starting with a dash "
        "(got 'pel 01')",
        "content/course.md:4: 'jp' must be from 1 to 200 (got 250)",
        "content/course.md:5: 'competency' must be one of: teknis, manajerial, sosial-kultural (got 'teknik')",
        "content/course.md:6: 'enrolment: key' needs 'enrolment_key_env' (the name of an environment variable "
        "holding the key)",
        "content/course.md:8: 'closes' (2025-01-01) is before 'opens' (2025-02-01)",
    ]


def test_modules_and_items_are_ordered_by_their_number_not_their_name(tmp_path: Path) -> None:
    courses, problems = parse(
        tmp_path,
        {
            "course.md": course_md(),
            "10-akhir/1-a.md": LESSON,
            "2-awal/10-c.md": LESSON,
            "2-awal/2-b.quiz.md": QUIZ,
            "2-awal/001-a.md": LESSON,
        },
    )
    assert problems == []
    modules = courses[0].modules
    assert [(module.slug, module.position) for module in modules] == [("awal", 1), ("akhir", 2)]
    items = modules[0].items
    assert [(item.slug, item.position) for item in items] == [("a", 1), ("b", 2), ("c", 3)]
    assert isinstance(items[1], QuizSpec)
    assert isinstance(items[0], LessonSpec)


def test_module_title_defaults_to_its_slug_and_module_md_sets_title_and_optional(tmp_path: Path) -> None:
    courses, problems = parse(
        tmp_path,
        {
            "course.md": course_md(),
            "01-nilai-dasar/01-a.md": LESSON,
            "02-x/module.md": "---\ntitle: Pengayaan\noptional: true\n---\nPengantar modul.\n",
            "02-x/01-a.md": LESSON,
        },
    )
    assert problems == []
    first, second = courses[0].modules
    assert (first.title, first.optional, first.intro_html) == ("Nilai dasar", False, "")
    assert (second.title, second.optional, second.intro_html) == ("Pengayaan", True, "<p>Pengantar modul.</p>")


def test_names_starting_with_a_dot_or_underscore_are_ignored(tmp_path: Path) -> None:
    courses, problems = parse(
        tmp_path,
        {
            "course.md": course_md(),
            ".git/config": "x",
            "_notes.txt": "x",
            "_99-draft-module/01-a.md": "not even checked ![x](nope.png)",
            "01-dasar/01-a.md": LESSON,
            "01-dasar/_draft.md": "---\nbad: yes\n---\n",
            "01-dasar/.hidden": "x",
            "media/.DS_Store": "x",
            "media/logo.png": b"png",
        },
    )
    assert problems == []
    assert len(courses[0].modules) == 1
    assert len(courses[0].modules[0].items) == 1
    assert [media.path for media in courses[0].media] == ["logo.png"]


def test_stray_files_and_folders_are_errors_not_silently_skipped(tmp_path: Path) -> None:
    _, problems = parse(
        tmp_path,
        {
            "course.md": course_md(),
            "README.md": "x",
            "gambar/a.png": b"png",
            "01-dasar/01-a.md": LESSON,
            "01-dasar/slides.pdf": b"%PDF",
            "01-dasar/catatan.md": "x",
            "01-dasar/sub/01-b.md": LESSON,
        },
    )
    assert problems == [
        "content/01-dasar/catatan.md:1: lesson file 'catatan.md' needs a number prefix, e.g. 01-catatan.md",
        "content/01-dasar/slides.pdf:1: stray file 'slides.pdf' in a module: only module.md, NN-slug.md lessons, "
        "NN-slug.quiz.md quizzes and .gift banks belong here (put other files under the course's media/ folder)",
        "content/01-dasar/sub:1: folder 'sub' inside a module: modules hold files only "
        "(put images under the course's media/ folder)",
        "content/README.md:1: stray file 'README.md' in a course folder: only course.md, a SLUG.survey.md, "
        "media/ and NN-slug module folders belong here",
        "content/gambar:1: folder 'gambar' is not a module: name module folders NN-slug, e.g. 01-gambar",
    ]


def test_a_course_folder_without_course_md_is_an_error(tmp_path: Path) -> None:
    _, problems = parse(tmp_path, {"ok/course.md": course_md(), "ok/01-a/01-a.md": LESSON, "lost/01-a/01-a.md": LESSON})
    assert problems == ["content/lost:1: course folder has no course.md"]


def test_an_empty_course_and_an_empty_module_are_errors(tmp_path: Path) -> None:
    _, problems = parse(
        tmp_path,
        {
            "kosong/course.md": course_md("KSG-01"),
            "sebagian/course.md": course_md("SBG-01"),
            "sebagian/01-isi/01-a.md": LESSON,
            "sebagian/02-kosong/module.md": "---\ntitle: Kosong\n---\n",
        },
    )
    assert problems == [
        "content/kosong/course.md:1: course has no modules: add a folder such as 01-introduction with a lesson in it",
        "content/sebagian/02-kosong:1: module has no lessons or quizzes",
    ]


def test_a_root_without_courses_and_a_missing_dir_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert [str(i) for i in parse_content(tmp_path / "empty", "empty")[1]] == [
        "empty:1: no course folders found: a course folder holds a course.md"
    ]
    assert [str(i) for i in parse_content(tmp_path / "nowhere", "nowhere")[1]] == ["nowhere:1: not a folder"]


def test_duplicate_course_codes_are_reported_on_each_course_at_the_code_line(tmp_path: Path) -> None:
    _, problems = parse(
        tmp_path,
        {
            "a/course.md": course_md("SAMA-1"),
            "a/01-m/01-x.md": LESSON,
            "b/course.md": "---\ntitle: B\njp: 1\ncompetency: teknis\ncode: SAMA-1\n---\n",
            "b/01-m/01-x.md": LESSON,
        },
    )
    assert problems == [
        "content/a/course.md:2: duplicate course code 'SAMA-1' (also in content/b/course.md)",
        "content/b/course.md:5: duplicate course code 'SAMA-1' (also in content/a/course.md)",
    ]


def test_duplicate_slugs_in_a_module_and_duplicate_module_slugs_are_errors(tmp_path: Path) -> None:
    _, problems = parse(
        tmp_path,
        {
            "course.md": course_md(),
            "01-dasar/01-intro.md": LESSON,
            "01-dasar/02-intro.quiz.md": QUIZ,
            "02-dasar/01-a.md": LESSON,
        },
    )
    assert problems == [
        "content/01-dasar:1: duplicate module folder slug 'dasar' (also 02-dasar)",
        "content/01-dasar/01-intro.md:1: duplicate slug 'intro' (also 02-intro.quiz.md)",
        "content/01-dasar/02-intro.quiz.md:1: duplicate slug 'intro' (also 01-intro.md)",
        "content/02-dasar:1: duplicate module folder slug 'dasar' (also 01-dasar)",
    ]


def test_a_lesson_id_used_twice_in_a_course_is_an_error_at_each_id_line(tmp_path: Path) -> None:
    _, problems = parse(
        tmp_path,
        {
            "course.md": course_md(),
            "01-a/01-x.md": "---\ntitle: X\nid: pengantar\n---\n",
            "02-b/01-y.md": "---\nid: pengantar\n---\n",
        },
    )
    assert problems == [
        "content/01-a/01-x.md:3: duplicate lesson id 'pengantar' (also content/02-b/01-y.md)",
        "content/02-b/01-y.md:2: duplicate lesson id 'pengantar' (also content/01-a/01-x.md)",
    ]


def test_invalid_yaml_and_non_utf8_in_course_md_are_reported(tmp_path: Path) -> None:
    _, problems = parse(
        tmp_path,
        {
            "a/course.md": "---\ncode: A1\ntitle: [oops\n---\n",
            "a/01-m/01-x.md": LESSON,
            "b/course.md": b"---\ncode: B1\ntitle: Caf\xe9\n---\n",
            "b/01-m/01-x.md": LESSON,
        },
    )
    assert len(problems) == 2
    assert problems[0].startswith("content/a/course.md:3: invalid YAML: ")
    assert problems[1] == (
        "content/b/course.md:1: file is not valid UTF-8 (first invalid byte on line 3); save it as UTF-8"
    )


def test_every_error_in_the_tree_is_reported_at_once_sorted_by_path_and_line(tmp_path: Path) -> None:
    courses, problems = parse(
        tmp_path,
        {
            "course.md": course_md(extra="titel: x\n"),
            "01-a/01-x.md": "---\nminutes: lama\n---\n[b](02-none.md)\n",
            "01-a/02-q.quiz.md": "## Q\n\n- [ ] a\n- [ ] b\n\n## R\n\n- a -> b\n",
            "01-a/notes.docx": b"x",
        },
    )
    assert problems == [
        "content/01-a/01-x.md:2: 'minutes' must be a whole number (got 'lama')",
        "content/01-a/01-x.md:4: link to missing lesson '02-none.md'",
        "content/01-a/02-q.quiz.md:3: task list has no [x]: mark the right option(s) with [x]",
        "content/01-a/02-q.quiz.md:8: matching needs at least 2 pairs",
        "content/01-a/notes.docx:1: stray file 'notes.docx' in a module: only module.md, NN-slug.md lessons, "
        "NN-slug.quiz.md quizzes and .gift banks belong here (put other files under the course's media/ folder)",
        "content/course.md:6: unknown key 'titel' (did you mean 'title'?)",
    ]
    assert len(courses) == 1


def test_garbage_files_give_issues_and_never_raise(tmp_path: Path) -> None:
    garbage = b"---\n\x00\xff\n{{{\n---\n## \n- [x]\n= \n\x1b[31m"
    _, problems = parse(
        tmp_path,
        {
            "course.md": b"---\n: [\n---\n\x00",
            "01-a/01-x.md": garbage,
            "01-a/02-x.quiz.md": garbage.replace(b"\xff", b""),
            "01-a/bank.gift": garbage,
            "01-a/module.md": garbage,
            "media/x.bin": garbage,
        },
    )
    assert problems
    assert all(":" in problem for problem in problems)
