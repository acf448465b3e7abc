"""A content reload never deletes or rewrites what learners earned; attempts keep their question versions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.core.time import now
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from elearn.quizzes.models import Attempt, AttemptAnswer, Question, QuestionVersion, Quiz, QuizResult
from tests.coursetree import build_course, write
from tests.factories import load_content


def test_reload_keeps_progress_attempts_and_a_completed_course(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
) -> None:
    course_dir = build_course(tmp_path, "KEEP-1", modules=1, lessons=2)
    load_content(app, tmp_path)
    learner = make_user("siti")
    headers = token_for(learner)
    client.post("/api/v1/courses/KEEP-1/enrolment", headers=headers, json={})
    course = db.session.scalar(select(Course).where(Course.code == "KEEP-1"))
    assert course is not None
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))
    assert quiz is not None
    question = db.session.scalar(select(Question).where(Question.quiz_id == quiz.id, Question.key == "id:q-asn"))
    assert question is not None
    version = db.session.scalar(select(QuestionVersion).where(QuestionVersion.question_id == question.id))
    assert version is not None
    taken_stem = version.content["stem_html"]
    # The learner took the quiz (attempt written as the quiz engine will) and passed it.
    attempt = Attempt(
        quiz_id=quiz.id,
        user_id=learner.id,
        number=1,
        state="finished",
        finished_at=now(),
        score=Decimal(2),
        max_score=Decimal(2),
        grade=Decimal(100),
        is_passed=True,
        layout=[{"question_version_id": version.id}],
    )
    db.session.add(attempt)
    db.session.flush()
    db.session.add(
        AttemptAnswer(attempt_id=attempt.id, question_version_id=version.id, response="o1", score=Decimal(1))
    )
    db.session.add(QuizResult(user_id=learner.id, quiz_id=quiz.id, grade=Decimal(100), is_passed=True, attempts_used=1))
    db.session.commit()
    for lesson_id in db.session.scalars(select(Lesson.id).where(Lesson.course_id == course.id)):
        client.get(f"/api/v1/lessons/{lesson_id}", headers=headers)
    progress = client.get("/api/v1/courses/KEEP-1/progress", headers=headers).get_json()
    assert progress["completed"] is True
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner.id))
    assert enrolment is not None
    completed_at = enrolment.completed_at

    # The instructor rewrites the question, renames a lesson, drops another and reloads.
    quiz_file = course_dir / "01-modul-1" / "03-kuis.quiz.md"
    quiz_file.write_text(quiz_file.read_text().replace("Apa kepanjangan ASN?", "Apa singkatan dari ASN?"))
    write(course_dir / "01-modul-1" / "01-pelajaran-1.md", "# Judul baru\n\nIsi baru.\n")
    (course_dir / "01-modul-1" / "02-pelajaran-2.md").unlink()
    load_content(app, tmp_path)
    db.session.expire_all()

    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 2
    kept_attempt = db.session.get(Attempt, attempt.id)
    assert kept_attempt is not None
    assert (kept_attempt.state, kept_attempt.grade, kept_attempt.is_passed) == ("finished", Decimal(100), True)
    answer = db.session.scalar(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))
    assert answer is not None
    assert answer.question_version_id == version.id
    old = db.session.get(QuestionVersion, version.id)
    assert old is not None
    assert old.content["stem_html"] == taken_stem  # the attempt keeps the text it was taken with
    assert db.session.scalar(select(Question.version).where(Question.id == question.id)) == 2
    result = db.session.get(QuizResult, (learner.id, quiz.id))
    assert result is not None
    assert result.is_passed is True
    kept = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner.id))
    assert kept is not None
    assert kept.completed_at == completed_at
    assert kept.status == "active"
    assert client.get("/api/v1/courses/KEEP-1/progress", headers=headers).get_json()["completed"] is True


def test_prune_never_deletes_what_a_learner_touched(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
) -> None:
    course_dir = build_course(tmp_path, "KEEP-2", modules=1, lessons=2, quiz=False)
    load_content(app, tmp_path)
    headers = token_for(make_user("siti"))
    client.post("/api/v1/courses/KEEP-2/enrolment", headers=headers, json={})
    seen = db.session.scalar(select(Lesson.id).where(Lesson.key == "modul-1/pelajaran-1"))
    client.get(f"/api/v1/lessons/{seen}", headers=headers)
    (course_dir / "01-modul-1" / "01-pelajaran-1.md").unlink()
    result = app.test_cli_runner().invoke(args=["content", "load", str(tmp_path), "--prune"])
    assert result.exit_code == 0, result.output
    assert db.session.get(Lesson, seen) is not None
