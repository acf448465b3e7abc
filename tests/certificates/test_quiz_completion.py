"""A course completed by a quiz result (a pass, an essay grade or the sweep's finishing of an overdue
attempt all end in ``update_result``) issues its certificate in that same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.quizzes.models import FINISHED, NEEDS_GRADING, Attempt, Quiz
from elearn.quizzes.results import update_result
from elearn.reports.models import JpEntry
from tests.factories import Scenario


def test_a_quiz_result_that_completes_the_course_issues_the_certificate_once(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    learner = scenario.users["learner_enrolled"]
    headers = token_for(learner)
    # TST-2: one module of two lessons and a quiz; the lessons alone do not complete it.
    assert client.post("/api/v1/courses/TST-2/enrolment", headers=headers, json={}).status_code == 201
    outline = client.get("/api/v1/courses/TST-2", headers=headers).get_json()
    for item in outline["modules"][0]["items"]:
        if item["type"] == "lesson":
            assert client.get(f"/api/v1/lessons/{item['id']}", headers=headers).status_code == 200
        else:
            quiz = db.session.get(Quiz, item["id"])
    assert quiz is not None
    # An essay waiting for its grade completes nothing yet.
    attempt = Attempt(quiz_id=quiz.id, user_id=learner.id, number=1, state=NEEDS_GRADING, grade=None)
    db.session.add(attempt)
    db.session.flush()
    update_result(quiz, learner.id)
    db.session.commit()
    assert db.session.scalar(select(Certificate)) is None
    # The instructor's grade finishes the attempt: the quiz is passed and the course completes.
    attempt.state, attempt.grade, attempt.finished_at = FINISHED, Decimal(90), dt.datetime.now(dt.UTC)
    update_result(quiz, learner.id)
    assert db.session.scalar(select(Certificate)) is not None  # in the grading transaction itself
    db.session.commit()
    progress = client.get("/api/v1/courses/TST-2/progress", headers=headers).get_json()
    assert progress["completed"] is True
    certificates = db.session.scalars(select(Certificate)).all()
    assert [c.code for c in certificates] == [progress["certificate"]]
    assert [e.jp for e in db.session.scalars(select(JpEntry))] == [4]
    update_result(quiz, learner.id)  # recomputing changes nothing
    db.session.commit()
    assert len(db.session.scalars(select(Certificate)).all()) == 1
