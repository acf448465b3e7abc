"""Course uploads from the browser: the same check as ``elearn content check``, a preview, and a publish
that leaves the database exactly as ``elearn content load`` would."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.catalogue.models import Course, CourseInstructor, Lesson, MediaFile, Module
from elearn.content.models import RenderedHtml
from elearn.extensions import db
from elearn.publishing.models import CourseUpload
from elearn.quizzes.models import Question, QuestionVersion, Quiz
from tests.conftest import _empty_all_tables
from tests.coursetree import write
from tests.publishing.helpers import demo_course, field_error, issue_lines, post_upload, publish, zip_folder

CONTENT_MODELS = (Course, CourseInstructor, Module, Lesson, MediaFile, Quiz, Question, QuestionVersion, RenderedHtml)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def break_course(course: Path) -> None:
    """Three mistakes an author makes: a wrong type in course.md, a bad quiz answer, an unknown key."""
    text = (course / "course.md").read_text(encoding="utf-8")
    (course / "course.md").write_text(text.replace("jp: 8", "jp: delapan"), encoding="utf-8")
    quiz = course / "01-nilai-dasar-asn" / "04-kuis-berakhlak.quiz.md"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("pass: 70", "pass: 170"), encoding="utf-8")
    lesson = course / "02-integritas" / "01-gratifikasi.md"
    lesson.write_text("---\ntitle: Gratifikasi\nwaktu: 10\n---\n" + lesson.read_text(encoding="utf-8"), "utf-8")


@pytest.fixture
def admin(make_user: Callable[..., User], login: Callable[[FlaskClient, User], None], client: FlaskClient) -> User:
    user = make_user("admin", role="admin", unit=None)
    login(client, user)
    return user


def test_an_upload_with_errors_shows_the_same_lines_as_content_check(
    app: Flask, client: FlaskClient, admin: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = demo_course(tmp_path)
    break_course(course)
    monkeypatch.chdir(tmp_path)
    checked = app.test_cli_runner().invoke(args=["content", "check", "nilai-berakhlak"])
    assert checked.exit_code == 1
    expected = checked.stderr.splitlines()
    assert len(expected) >= 3
    response = post_upload(client, zip_folder(course), "nilai-berakhlak.zip")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert issue_lines(page) == expected
    assert f"{len(expected)} masalah" in field_error(page)
    assert count(CourseUpload) == 0 and count(AuditEntry) == 0 and count(Course) == 0


def test_a_course_at_the_root_of_the_zip_is_named_after_the_file(
    app: Flask, client: FlaskClient, admin: User, tmp_path: Path
) -> None:
    course = demo_course(tmp_path)
    break_course(course)
    page = post_upload(client, zip_folder(course, prefix=""), "Kursus BerAKHLAK v2.zip").get_data(as_text=True)
    assert all(line.startswith("Kursus-BerAKHLAK-v2/") for line in issue_lines(page))


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every content table, with surrogate ids replaced by what they stand for (PostgreSQL
    sequences do not roll back, so the preview's undone dry run moves the ids a publish gets)."""
    natural: dict[str, dict[int, Any]] = {}

    def rows(model: type) -> list[dict[str, Any]]:
        table = model.__table__  # type: ignore[attr-defined]
        return [dict(row._mapping) for row in db.session.execute(select(table))]

    tables = {model.__tablename__: rows(model) for model in CONTENT_MODELS}  # type: ignore[attr-defined]
    natural["courses"] = {r["id"]: r["code"] for r in tables["courses"]}
    natural["modules"] = {r["id"]: (natural["courses"][r["course_id"]], r["slug"]) for r in tables["modules"]}
    natural["lessons"] = {r["id"]: (natural["courses"][r["course_id"]], r["key"]) for r in tables["lessons"]}
    natural["quizzes"] = {r["id"]: (natural["modules"][r["module_id"]], r["slug"]) for r in tables["quizzes"]}
    natural["questions"] = {r["id"]: (natural["quizzes"][r["quiz_id"]], r["key"]) for r in tables["questions"]}
    natural["question_versions"] = {
        r["id"]: (natural["questions"][r["question_id"]], r["number"]) for r in tables["question_versions"]
    }
    natural["media_files"] = {r["id"]: r["path"] for r in tables["media_files"]}
    references = {"course_id": "courses", "module_id": "modules", "quiz_id": "quizzes", "question_id": "questions"}
    lesson_link = re.compile(r"/lessons/(\d+)")
    plain: dict[str, list[dict[str, Any]]] = {}
    for name, found in tables.items():
        converted = []
        for row in found:
            row = dict(row)
            if "id" in row and name in natural:
                row["id"] = natural[name][row["id"]]
            for column, target in references.items():
                if column in row:
                    row[column] = natural[target][row[column]]
            if name == "lessons":
                row["html"] = lesson_link.sub(lambda m: f"/lessons/{natural['lessons'][int(m.group(1))]}", row["html"])
            converted.append(row)
        plain[name] = sorted(converted, key=repr)
    return plain


def test_a_fixed_upload_previews_then_publishes_exactly_as_content_load(
    app: Flask,
    client: FlaskClient,
    admin: User,
    tmp_path: Path,
    clock: Callable[[dt.datetime], None],
) -> None:
    course = demo_course(tmp_path)
    response = post_upload(client, zip_folder(course), "nilai-berakhlak.zip")
    assert response.status_code == 302, field_error(response.get_data(as_text=True))
    upload_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    preview = client.get(f"/manage/uploads/{upload_id}").get_data(as_text=True)
    assert count(Course) == 0, "the preview writes no course"
    cells = re.search(r'<table class="data counts">.*?<tbody><tr>(.*?)</tr>', preview, re.S)
    assert cells is not None
    assert re.findall(r"<td>(\d+)</td>", cells.group(1))[1:] == ["0", "0", "0"]
    assert 'class="lesson"' in preview
    published = publish(client, upload_id)
    assert published.status_code == 302
    uploaded = snapshot()
    assert len(uploaded["lessons"]) == 7 and len(uploaded["question_versions"]) > 10 and uploaded["rendered_html"]
    db.session.expire_all()
    _empty_all_tables()
    result = app.test_cli_runner().invoke(args=["content", "load", str(course)])
    assert result.exit_code == 0, result.output
    assert snapshot() == uploaded


def test_publishing_is_recorded_on_the_upload_and_a_second_publish_is_refused(
    app: Flask, client: FlaskClient, admin: User, tmp_path: Path
) -> None:
    response = post_upload(client, zip_folder(demo_course(tmp_path)), "nilai-berakhlak.zip")
    upload_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    publish(client, upload_id)
    db.session.expire_all()
    upload = db.session.get(CourseUpload, upload_id)
    assert upload is not None and upload.status == "published" and upload.published_by_username == "admin"
    assert upload.result["created"] > 0
    assert "sudah diterbitkan" in publish(client, upload_id).get_data(as_text=True)
    download = client.get(f"/manage/uploads/{upload_id}/download")
    assert download.status_code == 200
    assert download.data == zip_folder(demo_course(tmp_path / "again"))
    assert download.headers["Content-Disposition"] == f'attachment; filename="BA-101-{upload_id}.zip"'


def test_a_reupload_previews_updates_and_archives_by_name(
    app: Flask, client: FlaskClient, admin: User, tmp_path: Path
) -> None:
    course = demo_course(tmp_path)
    publish(client, int(post_upload(client, zip_folder(course)).headers["Location"].rsplit("/", 1)[-1]))
    (course / "03-penerapan" / "02-refleksi-diri.quiz.md").unlink()
    write(course / "02-integritas" / "03-whistleblowing.md", "---\ntitle: Melapor\nid: ba-whistleblowing\n---\nBaru.\n")
    response = post_upload(client, zip_folder(course))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    names = {
        outcome: re.findall(r'<span class="muted">\w+</span> ([^<]+)</li>', section)
        for outcome, section in re.findall(r"<summary>(\w[\w ]*) \(\d+\)</summary>\s*<ul>(.*?)</ul>", page, re.S)
    }
    assert names["Diperbarui"] == ["ba-whistleblowing"]
    assert "penerapan/refleksi-diri" in names["Diarsipkan"]
    assert "Kursus yang sudah ada" in page
