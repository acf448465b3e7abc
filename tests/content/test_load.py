"""``elearn content load``: one transaction, identity, archiving, learner data kept."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from elearn.catalogue.models import Course, Lesson, MediaFile, Module
from elearn.extensions import db
from elearn.quizzes.models import Question, QuestionVersion, Quiz
from tests.coursetree import build_course, write


def load(app: Flask, path: Path, *args: str):  # noqa: ANN201 - click Result
    runner = app.test_cli_runner()
    return runner.invoke(args=["content", "load", str(path), *args])


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_first_load_creates_every_item_and_reports_totals(app: Flask, tmp_path: Path) -> None:
    build_course(tmp_path)
    result = load(app, tmp_path)
    assert result.exit_code == 0, result.output
    # 1 course + 2 modules + 4 lessons + 1 quiz + 2 questions
    assert result.output.strip().splitlines()[-1] == "10 created, 0 updated, 0 unchanged, 0 archived"
    assert "TST-1" in result.output
    assert count(Lesson) == 4
    assert count(MediaFile) == 1


def test_second_load_of_an_unchanged_tree_writes_nothing(app: Flask, tmp_path: Path) -> None:
    build_course(tmp_path)
    load(app, tmp_path)
    result = load(app, tmp_path)
    assert result.output.strip().splitlines()[-1] == "0 created, 0 updated, 10 unchanged, 0 archived"


def test_editing_one_lesson_updates_exactly_that_lesson(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path)
    load(app, tmp_path)
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.key == "modul-1/pelajaran-2"))
    write(course / "01-modul-1" / "02-pelajaran-2.md", "# Pelajaran baru\n\nIsi yang diperbarui.\n")
    result = load(app, tmp_path)
    assert result.output.strip().splitlines()[-1] == "0 created, 1 updated, 9 unchanged, 0 archived"
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson_id)
    assert lesson is not None
    assert lesson.title == "Pelajaran baru"
    assert "diperbarui" in lesson.html


def test_a_vanished_lesson_is_archived_not_deleted(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path)
    load(app, tmp_path)
    (course / "02-modul-2" / "02-pelajaran-2.md").unlink()
    result = load(app, tmp_path)
    assert result.output.strip().splitlines()[-1] == "0 created, 0 updated, 9 unchanged, 1 archived"
    db.session.expire_all()
    archived = db.session.scalar(select(Lesson).where(Lesson.key == "modul-2/pelajaran-2"))
    assert archived is not None and archived.archived_at is not None
    # Archiving is counted once, on the load that archives.
    assert load(app, tmp_path).output.strip().splitlines()[-1] == "0 created, 0 updated, 9 unchanged, 0 archived"


def test_prune_deletes_untouched_archived_items(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path)
    load(app, tmp_path)
    (course / "02-modul-2" / "02-pelajaran-2.md").unlink()
    result = load(app, tmp_path, "--prune")
    assert "1 archived item(s) pruned" in result.output
    assert db.session.scalar(select(Lesson).where(Lesson.key == "modul-2/pelajaran-2")) is None


def test_dry_run_reports_the_summary_and_writes_nothing(app: Flask, tmp_path: Path) -> None:
    build_course(tmp_path)
    result = load(app, tmp_path, "--dry-run")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "10 created, 0 updated, 0 unchanged, 0 archived"
    assert count(Course) == 0


def test_a_tree_with_an_error_loads_nothing_and_exits_1(app: Flask, tmp_path: Path) -> None:
    build_course(tmp_path, "TST-1")
    broken = build_course(tmp_path, "TST-2")
    write(broken / "01-modul-1" / "catatan.txt", "bukan markdown")
    result = load(app, tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path}/tst-2/01-modul-1/catatan.txt:1:" in result.output
    assert count(Course) == 0
    assert count(Module) == 0


def test_a_changed_question_with_an_id_gets_a_new_version_and_keeps_the_old(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path)
    load(app, tmp_path)
    quiz_file = course / "01-modul-1" / "03-kuis.quiz.md"
    quiz_file.write_text(quiz_file.read_text().replace("Aparatur Sipil Nasional", "Aparat Sipil Negara"))
    result = load(app, tmp_path)
    assert result.output.strip().splitlines()[-1] == "0 created, 1 updated, 9 unchanged, 0 archived"
    question = db.session.scalar(select(Question).where(Question.key == "id:q-asn"))
    assert question is not None and question.version == 2
    versions = db.session.scalars(select(QuestionVersion).where(QuestionVersion.question_id == question.id)).all()
    assert len(versions) == 2


def test_a_changed_stem_without_an_id_archives_the_old_question_and_creates_a_new_one(
    app: Flask, tmp_path: Path
) -> None:
    course = build_course(tmp_path)
    load(app, tmp_path)
    quiz_file = course / "01-modul-1" / "03-kuis.quiz.md"
    quiz_file.write_text(quiz_file.read_text().replace("Berapa JP minimal setahun?", "Berapa JP wajib per tahun?"))
    result = load(app, tmp_path)
    assert result.output.strip().splitlines()[-1] == "1 created, 0 updated, 9 unchanged, 1 archived"


def test_loading_one_course_folder_leaves_other_courses_alone(app: Flask, tmp_path: Path) -> None:
    build_course(tmp_path, "TST-1")
    other = build_course(tmp_path, "TST-2")
    load(app, tmp_path)
    result = load(app, other)
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "0 created, 0 updated, 10 unchanged, 0 archived"
    assert db.session.scalar(select(func.count()).select_from(Course).where(Course.archived_at.is_(None))) == 2


def test_lesson_links_resolve_to_lesson_ids(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path)
    write(
        course / "02-modul-2" / "01-pelajaran-1.md",
        "# Lanjutan\n\nLihat [pelajaran awal](../01-modul-1/01-pelajaran-1.md).\n",
    )
    load(app, tmp_path)
    first = db.session.scalar(select(Lesson).where(Lesson.key == "modul-1/pelajaran-1"))
    linking = db.session.scalar(select(Lesson).where(Lesson.key == "modul-2/pelajaran-1"))
    assert first is not None and linking is not None
    assert f'href="/lessons/{first.id}"' in linking.html


def test_quiz_settings_land_on_the_quiz(app: Flask, tmp_path: Path) -> None:
    build_course(tmp_path)
    load(app, tmp_path)
    quiz = db.session.scalar(select(Quiz))
    assert quiz is not None
    assert quiz.pass_percent == 50
    assert quiz.title == "Kuis modul"


def test_an_unchanged_reload_issues_no_write_statement(app: Flask, tmp_path: Path, count_queries) -> None:  # noqa: ANN001
    build_course(tmp_path)
    load(app, tmp_path)
    with count_queries() as counter:
        result = load(app, tmp_path)
    assert result.exit_code == 0
    writes = [s for s in counter.statements if s.lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
