"""A content folder is hostile input: links, special files, huge files and costly Markdown are refused
by ``content check`` and ``content load`` alike, as ``path:LINE: message``, before they are read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from elearn.catalogue.models import Course
from elearn.content.files import MAX_MEDIA_BYTES, MAX_TEXT_BYTES
from elearn.extensions import db
from tests.coursetree import build_course, write

LINK = "symbolic link refused: content must be plain files and folders inside the course folder"


def run(app: Flask, command: str, root: Path) -> tuple[int, list[str]]:
    result = app.test_cli_runner().invoke(args=["content", command, str(root)])
    return result.exit_code, result.stderr.splitlines()


def assert_refused(app: Flask, root: Path, expected: list[str]) -> None:
    """Both commands refuse with exactly these lines, and nothing is loaded."""
    for command in ("check", "load"):
        code, errors = run(app, command, root)
        assert code == 1
        assert errors == expected
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A server file outside every course folder."""
    return write(tmp_path / "outside" / "secret.env", "ELEARN_SECRET_KEY=jangan-bocor\n")


def test_a_media_link_to_a_server_file_is_refused(app: Flask, tmp_path: Path, secret_file: Path) -> None:
    course = build_course(tmp_path / "content", "LNK-1")
    os.symlink(secret_file, course / "media" / "x.png")
    os.symlink("/proc/self/environ", course / "media" / "env.txt")
    root = tmp_path / "content"
    assert_refused(app, root, [f"{root}/lnk-1/media/env.txt:1: {LINK}", f"{root}/lnk-1/media/x.png:1: {LINK}"])


def test_a_lesson_linked_to_a_file_outside_is_refused(app: Flask, tmp_path: Path, secret_file: Path) -> None:
    course = build_course(tmp_path / "content", "LNK-2")
    os.symlink(secret_file, course / "01-modul-1" / "09-bocor.md")
    root = tmp_path / "content"
    assert_refused(app, root, [f"{root}/lnk-2/01-modul-1/09-bocor.md:1: {LINK}"])


def test_a_module_folder_linked_elsewhere_is_refused(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path / "content", "LNK-3", modules=1)
    elsewhere = build_course(tmp_path / "elsewhere", "LNK-X", modules=1) / "01-modul-1"
    os.symlink(elsewhere, course / "02-modul-lain")
    root = tmp_path / "content"
    assert_refused(app, root, [f"{root}/lnk-3/02-modul-lain:1: {LINK}"])


def test_a_linked_course_md_and_a_linked_course_folder_are_refused(app: Flask, tmp_path: Path) -> None:
    root = tmp_path / "content"
    course = build_course(root, "LNK-4", modules=1)
    (course / "course.md").rename(tmp_path / "course.md")
    os.symlink(tmp_path / "course.md", course / "course.md")
    os.symlink(build_course(tmp_path / "elsewhere", "LNK-5", modules=1), root / "linked-course")
    assert_refused(app, root, [f"{root}/linked-course:1: {LINK}", f"{root}/lnk-4/course.md:1: {LINK}"])


def test_a_fifo_in_media_is_refused_without_blocking_the_reader(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, "FIF-1", modules=1)
    os.mkfifo(course / "media" / "trap.png")
    message = "not a regular file (a device, pipe or socket): content must be plain files"
    assert_refused(app, course, [f"{course}/media/trap.png:1: {message}"])


def test_an_oversized_lesson_is_refused_before_it_is_read(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, "BIG-1", modules=1)
    with (course / "01-modul-1" / "05-besar.md").open("wb") as big:
        big.truncate(18 * 1024 * 1024)  # sparse: 18 MB on paper, nothing on disk
    expected = f"{course}/01-modul-1/05-besar.md:1: file is 18.0 MiB, over the limit of {MAX_TEXT_BYTES // 2**20}.0 MiB"
    assert_refused(app, course, [expected])


def test_an_oversized_media_file_is_refused(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, "BIG-2", modules=1)
    with (course / "media" / "film.mp4").open("wb") as big:
        big.truncate(MAX_MEDIA_BYTES + 1)
    expected = f"{course}/media/film.mp4:1: file is 25.0 MiB, over the limit of 25.0 MiB"
    assert_refused(app, course, [expected])


def test_a_deeply_nested_list_is_refused_at_its_line(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, "NST-1", modules=1)
    nested = "# Bersarang\n\nPengantar.\n\n" + "".join("    " * depth + "- x\n" for depth in range(200))
    write(course / "01-modul-1" / "05-bersarang.md", nested)
    expected = f"{course}/01-modul-1/05-bersarang.md:37: lists or quotes nested more than 32 levels deep"
    assert_refused(app, course, [expected])


OPENERS = "too many unmatched '[' or '<' in this paragraph to render: split it or escape them"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 20_000, OPENERS),
        ("<a " * 60_000, OPENERS),
        ("*a" * 200_000, "too many '*' or '_' in this paragraph to render: split it or escape them"),
        (("[" * 300 + "\n\n") * 300, OPENERS),
    ],
    ids=["brackets", "angle-brackets", "emphasis", "many-paragraphs"],
)
def test_markdown_that_would_take_minutes_to_render_is_refused_at_once(
    app: Flask, tmp_path: Path, body: str, message: str
) -> None:
    course = build_course(tmp_path, "NST-2", modules=1)
    write(course / "01-modul-1" / "05-mahal.md", "# Mahal\n\n" + body)
    code, errors = run(app, "check", course)
    assert code == 1
    assert len(errors) == 1
    assert errors[0].startswith(f"{course}/01-modul-1/05-mahal.md:")
    assert errors[0].endswith(message)


def test_files_whose_names_are_ignored_are_never_looked_at(app: Flask, tmp_path: Path, secret_file: Path) -> None:
    course = build_course(tmp_path, "IGN-1", modules=1)
    os.symlink(secret_file, course / ".cache")
    os.symlink(secret_file, course / "01-modul-1" / "_draft.md")
    code, errors = run(app, "check", course)
    assert (code, errors) == (0, [])
