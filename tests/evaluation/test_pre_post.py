"""Pre-test and post-test: the pretest is offered first and never counts; the report shows the gain."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.catalogue.structure import snapshot
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.outline import load_outline
from elearn.progress.queries import required_totals
from elearn.quizzes.models import Quiz, QuizResult
from tests.coursetree import build_course, write
from tests.factories import load_content

PRE = "---\ntitle: Pre-test\nrole: pretest\n---\n## Dua tambah dua? {id=q1}\n\n= 4\n"
POST = "---\ntitle: Post-test\nrole: posttest\npass: 50\n---\n## Dua tambah dua? {id=q1}\n\n= 4\n"
DINKES = "Pemerintah Kota Sorong/Dinas Kesehatan"
DISDIK = "Pemerintah Kota Sorong/Dinas Pendidikan"


@pytest.fixture
def course(app: Flask, tmp_path: Path) -> Course:
    folder = build_course(tmp_path, "PRE-1", modules=1, lessons=1, quiz=False, instructors="[guru]")
    write(folder / "01-modul-1" / "00-pre-test.quiz.md", PRE)
    write(folder / "01-modul-1" / "09-post-test.quiz.md", POST)
    load_content(app, tmp_path)
    found = db.session.scalar(select(Course).where(Course.code == "PRE-1"))
    assert found is not None
    return found


def quiz(role: str) -> int:
    found = db.session.scalar(select(Quiz.id).where(Quiz.role == role))
    assert found is not None
    return found


def test_the_pretest_never_counts_toward_completion_in_python_or_sql(course: Course) -> None:
    structure = snapshot().by_id[course.id]
    assert quiz("pretest") not in structure.required_quizzes
    assert quiz("posttest") in structure.required_quizzes
    assert structure.required_count == required_totals([course.id])[course.id] == 2  # the lesson and the post-test
    outline = load_outline(course, None)
    assert [(item.row.role, item.optional) for item in outline.items if item.row.type == "quiz"] == [
        ("pretest", True),
        ("posttest", False),
    ]


def test_the_pretest_is_offered_first_and_taking_it_moves_the_learner_on_whatever_the_grade(
    client: FlaskClient,
    course: Course,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    token_for: Callable[[User], dict[str, str]],
) -> None:
    siti = make_user("siti")
    db.session.add(Enrolment(user_id=siti.id, course_id=course.id, status="active"))
    db.session.commit()
    login(client, siti)
    page = client.get("/courses/PRE-1").get_data(as_text=True)
    assert "Lanjutkan: Pre-test" in page
    lesson = next(item for item in snapshot().by_id[course.id].items if item.type == "lesson")
    assert client.get(f"/lessons/{lesson.id}").status_code == 200  # the first lesson stays reachable
    headers = token_for(siti)
    attempt = client.post(f"/api/v1/quizzes/{quiz('pretest')}/attempts", headers=headers).get_json()
    done = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"answers": {}})
    assert done.status_code == 200, done.get_json()
    result = db.session.scalar(select(QuizResult).where(QuizResult.quiz_id == quiz("pretest")))
    assert result is not None and result.grade == 0 and result.is_passed  # taken, though every answer was wrong
    assert "Lanjutkan: Post-test" in client.get("/courses/PRE-1").get_data(as_text=True)
    quiz_page = client.get(f"/quizzes/{quiz('pretest')}").get_data(as_text=True)
    assert "Nilai lulus" not in quiz_page and "Lulus<" not in quiz_page
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == siti.id))
    assert enrolment is not None and enrolment.completed_at is None  # the post-test is still due


def grade(user: User, role: str, value: str) -> None:
    db.session.add(QuizResult(user_id=user.id, quiz_id=quiz(role), grade=Decimal(value), is_passed=True))


def test_the_course_report_shows_each_learners_gain_the_average_and_a_chart(
    client: FlaskClient,
    course: Course,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    token_for: Callable[[User], dict[str, str]],
) -> None:
    siti, budi, ani = make_user("siti", unit=DINKES), make_user("budi", unit=DISDIK), make_user("ani", unit=DINKES)
    grade(siti, "pretest", "40"), grade(siti, "posttest", "90")
    grade(budi, "pretest", "70"), grade(budi, "posttest", "60")
    grade(ani, "pretest", "50")  # no post-test yet: not in the gain
    db.session.commit()
    guru = make_user("guru", role="instructor")
    login(client, guru)
    page = client.get("/reports/courses/PRE-1").get_data(as_text=True)
    assert "Rata-rata kenaikan" in page and "+20" in page  # (50 + -10) / 2
    assert "<svg" in page and 'role="img"' in page
    assert "Siti" in page and "Budi" in page and "Ani" not in page
    body = client.get("/api/v1/reports/courses/PRE-1", headers=token_for(guru)).get_json()["gain"]
    assert (body["average_pre"], body["average_post"], body["average_gain"]) == (55.0, 75.0, 20.0)
    assert sorted((row["username"], row["gain"]) for row in body["learners"]) == [("budi", -10.0), ("siti", 50.0)]
    coordinator = make_user("koordinator", role="coordinator", unit=DINKES)
    scoped = client.get("/api/v1/reports/courses/PRE-1", headers=token_for(coordinator)).get_json()["gain"]
    assert [row["username"] for row in scoped["learners"]] == ["siti"]
