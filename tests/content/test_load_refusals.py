"""Every kind of bad content: all errors as ``path:LINE: message``, exit 1, nothing written."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from elearn.catalogue.models import Course
from elearn.extensions import db
from tests.coursetree import build_course, write

Breaker = Callable[[Path], None]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


QUIZ = "01-modul-1/03-kuis.quiz.md"
LESSON = "01-modul-1/01-pelajaran-1.md"

BANK = "01-modul-1/bank.gift"


def included_bank(text: str) -> Breaker:
    """Write ``text`` as a GIFT bank that the first module's quiz includes."""

    def breaker(course: Path) -> None:
        write(course / BANK, text)
        replace_in(course / QUIZ, "pass: 50", "pass: 50\ninclude: [bank.gift]")

    return breaker


CASES: list[tuple[str, Breaker, str, int, str]] = [
    (
        "missing required key",
        lambda c: replace_in(c / "course.md", "jp: 4\n", ""),
        "course.md",
        1,
        "missing required key 'jp'",
    ),
    (
        "unknown key",
        lambda c: replace_in(c / "course.md", "jp: 4", "jp: 4\ntitel: x"),
        "course.md",
        6,
        "unknown key 'titel'",
    ),
    ("wrong type", lambda c: replace_in(c / "course.md", "jp: 4", "jp: empat"), "course.md", 5, "'jp' must be"),
    ("invalid yaml", lambda c: replace_in(c / "course.md", "jp: 4", "jp: [4"), "course.md", 5, "invalid YAML"),
    (
        "task list without [x]",
        lambda c: replace_in(c / QUIZ, "- [x] Aparatur", "- [ ] Aparatur"),
        QUIZ,
        7,
        "task list has no [x]",
    ),
    (
        "matching with one pair",
        lambda c: replace_in(c / QUIZ, "= 20", "- BKN -> Kepegawaian"),
        QUIZ,
        12,
        "matching needs at least 2 pairs",
    ),
    ("numerical not a number", lambda c: replace_in(c / QUIZ, "= 20", "= 20\n= 18..2x"), QUIZ, 13, "not a number"),
    (
        "link to a missing lesson",
        lambda c: write(c / LESSON, "# A\n\nLihat [B](../02-modul-2/09-tidak-ada.md).\n"),
        LESSON,
        3,
        "link to missing lesson",
    ),
    (
        "link to a missing media file",
        lambda c: write(c / LESSON, "# A\n\nteks\n\n![x](../media/hilang.png)\n"),
        LESSON,
        5,
        "media file 'hilang.png' not found",
    ),
    (
        "gift unclosed brace",
        included_bank("// bank\n\nSoal pertama {=a ~b}\n\nSoal kedua {=a ~b\n"),
        BANK,
        5,
        'unclosed answer block "{"',
    ),
    ("gift unescaped = in an answer", included_bank("Pasangkan {=2 = 1+1 -> dua =3 -> tiga}\n"), BANK, 1, "\\="),
    (
        "non-utf-8 file",
        lambda c: (c / LESSON).write_bytes("# Pelajaran\n\ncaf\u00e9".encode("latin-1")),
        LESSON,
        1,
        "UTF-8",
    ),
    (
        "empty course",
        lambda c: [shutil.rmtree(p) for p in sorted(c.glob("0*-modul-*"))] and None,
        "course.md",
        1,
        "course has no modules",
    ),
    (
        "stray file in a module",
        lambda c: write(c / "01-modul-1/catatan.txt", "x"),
        "01-modul-1/catatan.txt",
        1,
        "stray file",
    ),
    (
        "duplicate slug in a module",
        lambda c: write(c / "01-modul-1/05-pelajaran-1.md", "# Lagi\n"),
        "01-modul-1/",
        1,
        "duplicate slug 'pelajaran-1'",
    ),
]


@pytest.mark.parametrize(("name", "breaker", "file", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_content_is_refused_with_its_file_and_line_and_loads_nothing(
    app: Flask, tmp_path: Path, name: str, breaker: Breaker, file: str, line: int, message: str
) -> None:
    build_course(tmp_path, "OK-1")
    broken = build_course(tmp_path, "BAD-1")
    breaker(broken)
    result = app.test_cli_runner().invoke(args=["content", "load", str(tmp_path)])
    assert result.exit_code == 1, result.output
    prefix = f"{tmp_path}/bad-1/{file}"
    matching = [out for out in result.output.splitlines() if out.startswith(prefix) and message in out]
    assert matching, result.output
    if not file.endswith("/"):
        assert any(out.startswith(f"{prefix}:{line}: ") for out in matching), result.output
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_duplicate_course_codes_are_reported_on_both_courses(app: Flask, tmp_path: Path) -> None:
    build_course(tmp_path, "SAMA-1", folder="pertama")
    build_course(tmp_path, "SAMA-1", folder="kedua")
    result = app.test_cli_runner().invoke(args=["content", "load", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/pertama/course.md:2: duplicate course code 'SAMA-1'" in result.output
    assert f"{tmp_path}/kedua/course.md:2: duplicate course code 'SAMA-1'" in result.output


def test_check_prints_the_same_messages_and_writes_nothing(app: Flask, tmp_path: Path) -> None:
    broken = build_course(tmp_path, "BAD-1")
    write(broken / "01-modul-1/catatan.txt", "x")
    check = app.test_cli_runner().invoke(args=["content", "check", str(tmp_path)])
    load = app.test_cli_runner().invoke(args=["content", "load", str(tmp_path)])
    assert check.exit_code == load.exit_code == 1
    assert check.output == load.output


def test_a_file_given_as_dir_is_refused_with_exit_1(app: Flask, tmp_path: Path) -> None:
    not_a_dir = write(tmp_path / "course.md", "x")
    result = app.test_cli_runner().invoke(args=["content", "load", str(not_a_dir)])
    assert result.exit_code == 1
    assert f"{not_a_dir}:1: not a directory" in result.output
