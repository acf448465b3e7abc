"""The course report: enrolment, completion and quiz figures for the people in the caller's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from flask.testing import FlaskClient

from elearn.accounts.models import User
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.quizzes.models import FINISHED, IN_PROGRESS, Attempt, QuizResult
from tests.factories import DINKES, MANOKWARI, Scenario

Tokens = Callable[[User], dict[str, str]]


def test_the_course_report_counts_enrolments_completions_and_each_quiz(
    client: FlaskClient, scenario: Scenario, make_user: Callable[..., User], token_for: Tokens
) -> None:
    course, quiz = scenario.course, scenario.quiz_id
    done = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    peserta = scenario.users["learner_enrolled"]
    ani = make_user("ani", unit=DINKES)
    jauh = scenario.users["learner_other_unit"]
    db.session.add_all([
        Enrolment(user_id=ani.id, course_id=course.id, status="active", completed_at=done),
        Enrolment(user_id=jauh.id, course_id=course.id, status="active", completed_at=done),
        QuizResult(user_id=peserta.id, quiz_id=quiz, grade=Decimal(40), is_passed=False, attempts_used=1),
        QuizResult(user_id=ani.id, quiz_id=quiz, grade=Decimal(90), is_passed=True, attempts_used=2),
        QuizResult(user_id=jauh.id, quiz_id=quiz, grade=Decimal(100), is_passed=True, attempts_used=1),
        Attempt(quiz_id=quiz, user_id=peserta.id, number=1, state=FINISHED, grade=Decimal(40)),
        Attempt(quiz_id=quiz, user_id=ani.id, number=1, state=FINISHED, grade=Decimal(60)),
        Attempt(quiz_id=quiz, user_id=ani.id, number=2, state=FINISHED, grade=Decimal(90)),
        Attempt(quiz_id=quiz, user_id=ani.id, number=3, state=IN_PROGRESS),
        Attempt(quiz_id=quiz, user_id=jauh.id, number=1, state=FINISHED, grade=Decimal(100)),
    ])  # fmt: skip
    db.session.commit()
    coordinator = client.get("/api/v1/reports/courses/TST-1", headers=token_for(scenario.users["coordinator"]))
    assert coordinator.status_code == 200
    assert coordinator.get_json() == {
        "enrolled": 2,
        "completed": 1,
        "completion_rate": 50.0,
        "average_grade": 65.0,
        "quizzes": [{"id": quiz, "title": "Kuis modul", "attempts": 3, "average_grade": 65.0, "pass_rate": 50.0}],
        "gain": None,  # no pre-test or post-test
    }
    teacher = client.get("/api/v1/reports/courses/TST-1", headers=token_for(scenario.users["instructor"])).get_json()
    assert (teacher["enrolled"], teacher["completed"], teacher["quizzes"][0]["attempts"]) == (3, 2, 4)
    assert teacher["completion_rate"] == 66.67 and teacher["quizzes"][0]["pass_rate"] == 66.67
    other = client.get(
        f"/api/v1/reports/courses/TST-1?unit={DINKES}", headers=token_for(scenario.users["coordinator_other"])
    )
    assert other.status_code == 403
    mine = client.get(
        "/api/v1/reports/courses/TST-1", headers=token_for(scenario.users["coordinator_other"])
    ).get_json()
    assert (mine["enrolled"], mine["completed"], mine["average_grade"]) == (1, 1, 100.0)
    unit = client.get(f"/api/v1/reports/courses/TST-1?unit={MANOKWARI}", headers=token_for(scenario.users["admin"]))
    assert unit.get_json()["enrolled"] == 1
    empty = client.get("/api/v1/reports/courses/TST-2", headers=token_for(scenario.users["admin"])).get_json()
    (untaken,) = empty.pop("quizzes")
    assert empty == {"enrolled": 0, "completed": 0, "completion_rate": None, "average_grade": None, "gain": None}
    assert (untaken["attempts"], untaken["average_grade"], untaken["pass_rate"]) == (0, None, None)
