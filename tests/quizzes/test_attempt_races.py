"""Concurrency: 20 parallel starts by one learner give one open attempt; 20 parallel submits give one
graded result and one completion (a constraint and a conditional update, not luck)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.quizzes.models import AnswerChoice, Attempt, QuizResult
from elearn.signals import course_completed
from tests.conftest import make_test_app
from tests.quizzes.world import QuizWorld, best_answers, build_quiz_world

PARALLEL = 20


@pytest.fixture
def world(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Callable[..., dict[str, str]]
) -> QuizWorld:
    return build_quiz_world(app, tmp_path, make_user, token_for, sequential="false")


@pytest.fixture
def server(app: Flask) -> Flask:
    """A second app on the same database, with room for every thread's connections."""
    other = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 60})
    yield other
    with other.app_context():
        db.engine.dispose()


def test_twenty_parallel_starts_give_one_open_attempt(world: QuizWorld, server: Flask) -> None:
    url = f"/api/v1/quizzes/{world.quiz_id}/attempts"

    def start(_n: int) -> tuple[int, int]:
        response = server.test_client().post(url, headers=world.headers)
        return response.status_code, response.get_json()["id"]

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(start, range(PARALLEL)))
    assert {attempt_id for _status, attempt_id in results} == {results[0][1]}
    assert [status for status, _id in results].count(201) == 1
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_twenty_parallel_submits_give_one_result_and_one_completion(world: QuizWorld, server: Flask) -> None:
    lessons = world.client.get(f"/api/v1/courses/{world.course.code}", headers=world.headers).get_json()
    for module in lessons["modules"]:
        for item in module["items"]:
            if item["type"] == "lesson":
                world.client.get(f"/api/v1/lessons/{item['id']}", headers=world.headers)
    body = world.start()
    answers = best_answers(body["id"])
    completions: list[object] = []

    def submit(_n: int) -> dict[str, object]:
        response = server.test_client().post(
            f"/api/v1/attempts/{body['id']}/submit", json={"answers": answers}, headers=world.headers
        )
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json())

    with course_completed.connected_to(lambda sender, **_: completions.append(sender)):
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            results = list(pool.map(submit, range(PARALLEL)))
    assert {(r["state"], r["grade"], r["finished_at"]) for r in results} == {
        ("finished", 100.0, results[0]["finished_at"])
    }
    assert len(completions) == 1
    assert db.session.scalar(select(func.count()).select_from(QuizResult)) == 1
    choices = db.session.scalar(select(func.count()).select_from(AnswerChoice))
    assert choices == 4  # single 1 + multiple 2 + true/false 1, recorded once
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == world.learner.id))
    assert enrolment is not None and enrolment.completed_at is not None
