"""How attempts combine into the quiz grade, essays graded by the course's instructors, the three
review settings, accommodations of extra attempts, and completion through the one completion rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.signals import course_completed
from tests.quizzes.world import ALL_TYPES, ESSAY, QuizWorld, best_answers, build_quiz_world, wrong_answers

Tokens = Callable[..., dict[str, str]]


def world_with(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Tokens, settings: str, quiz: str = ALL_TYPES
) -> QuizWorld:
    return build_quiz_world(app, tmp_path, make_user, token_for, quiz.replace("pass: 60", f"pass: 60\n{settings}"))


def take(world: QuizWorld, good: bool) -> dict[str, object]:
    body = world.start()
    answers = best_answers(body["id"]) if good else wrong_answers(body["id"])
    return dict(world.submit(body["id"], answers).get_json())


@pytest.mark.parametrize(
    ("grading", "expected", "completed"),
    [("highest", 100.0, True), ("average", 33.33, False), ("first", 0.0, False), ("last", 0.0, True)],
)
def test_attempts_combine_by_the_quizs_grading_method(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Tokens,
    grading: str,
    expected: float,
    completed: bool,
) -> None:
    world = world_with(app, tmp_path, make_user, token_for, f"grading: {grading}")
    for good in (False, True, False):
        take(world, good)
    summary = world.client.get(f"/api/v1/quizzes/{world.quiz_id}", headers=world.headers).get_json()
    assert summary["grade"] == expected
    assert summary["passed"] is (expected >= 60)
    assert summary["attempts_used"] == 3
    # With "last", the combined grade reached the pass mark after attempt 2: the quiz stays
    # completed although attempt 3 brought the grade down (completion never reverts).
    assert summary["completed"] is completed


def test_an_essay_waits_for_an_instructor_and_then_completes_the_course(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Tokens
) -> None:
    world = build_quiz_world(app, tmp_path, make_user, token_for, ESSAY, sequential="false")
    outline = world.client.get(f"/api/v1/courses/{world.course.code}", headers=world.headers).get_json()
    for module in outline["modules"]:
        for item in module["items"]:
            if item["type"] == "lesson":
                world.client.get(f"/api/v1/lessons/{item['id']}", headers=world.headers)
    completions: list[object] = []
    body = world.start()
    result = world.submit(body["id"], best_answers(body["id"])).get_json()
    assert (result["state"], result["grade"], result["passed"], result["score"]) == ("needs_grading", None, None, None)
    essay = next(q for q in body["questions"] if q["type"] == "essay")
    url = f"/api/v1/attempts/{body['id']}/grades"
    coordinator = make_user("koor", role="coordinator", unit="Pemerintah Kota Sorong")
    denied = world.client.post(url, json={"question_id": essay["id"], "score": 2}, headers=token_for(coordinator))
    assert denied.status_code == 403
    instructor = token_for(make_user("guru", role="instructor"))
    for bad in ({"question_id": essay["id"], "score": 3}, {"question_id": essay["id"], "score": -1}):
        response = world.client.post(url, json=bad, headers=instructor)
        assert response.status_code == 422
        assert "score" in response.get_json()["error"]["fields"]
    not_essay = next(q for q in body["questions"] if q["type"] == "single")
    response = world.client.post(url, json={"question_id": not_essay["id"], "score": 1}, headers=instructor)
    assert response.status_code == 422
    with course_completed.connected_to(lambda sender, **_: completions.append(sender)):
        graded = world.client.post(
            url,
            json={"question_id": essay["id"], "score": 1.5, "comment": "Bagus, tambahkan contoh."},
            headers=instructor,
        )
    assert graded.status_code == 200
    body_after = graded.get_json()
    assert (body_after["state"], body_after["score"], body_after["max_score"], body_after["grade"]) == (
        "finished",
        2.5,
        3.0,
        83.33,
    )
    mine = world.client.get(f"/api/v1/attempts/{body['id']}", headers=world.headers).get_json()
    essay_review = next(item for item in mine["review"] if item["question_id"] == essay["id"])
    assert essay_review["comment"] == "Bagus, tambahkan contoh."
    assert essay_review["score"] == 1.5
    assert len(completions) == 1
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == world.learner.id))
    assert enrolment is not None and enrolment.completed_at is not None
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "quiz.grade_essay"))
        == 1
    )


def test_an_unanswered_essay_scores_zero_and_needs_no_grading(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Tokens
) -> None:
    world = build_quiz_world(app, tmp_path, make_user, token_for, ESSAY)
    body = world.start()
    single = next(q for q in body["questions"] if q["type"] == "single")
    answers = {k: v for k, v in best_answers(body["id"]).items() if k == str(single["id"])}
    result = world.submit(body["id"], answers).get_json()
    assert (result["state"], result["score"], result["grade"]) == ("finished", 1.0, 33.33)


@pytest.mark.parametrize("review", ["immediately", "after_close", "never"])
def test_the_review_setting_decides_when_the_learner_sees_answers(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Tokens, review: str
) -> None:
    world = world_with(app, tmp_path, make_user, token_for, f"review: {review}\nattempts: 2")
    first = take(world, good=False)
    assert (first["review"] is not None) == (review == "immediately")
    second = take(world, good=True)  # now every attempt is used: the quiz is closed for this learner
    assert (second["review"] is not None) == (review in ("immediately", "after_close"))
    instructor = token_for(make_user("guru", role="instructor"))
    staff = world.client.get(f"/api/v1/attempts/{first['id']}", headers=instructor).get_json()
    assert staff["review"] is not None  # the course's instructors always see it


def test_after_close_also_opens_once_the_courses_window_has_ended(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Tokens, clock: Callable[[dt.datetime], None]
) -> None:
    clock(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC))
    world = build_quiz_world(
        app,
        tmp_path,
        make_user,
        token_for,
        ALL_TYPES.replace("pass: 60", "pass: 60\nreview: after_close"),
        closes="2026-11-30",
    )
    first = take(world, good=True)
    assert first["review"] is None
    clock(dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC))
    later = world.client.get(f"/api/v1/attempts/{first['id']}", headers=world.headers).get_json()
    assert later["review"] is not None


def test_extra_attempts_for_one_learner_and_who_may_give_them(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Tokens
) -> None:
    world = world_with(app, tmp_path, make_user, token_for, "attempts: 1")
    take(world, good=False)
    url = f"/api/v1/quizzes/{world.quiz_id}/overrides/peserta"
    body = {"extra_attempts": 1, "reason": "Listrik padam saat ujian"}
    refusals = {
        "the learner": (token_for(world.learner), 403),
        "another learner": (token_for(make_user("lain")), 403),
        "instructor of another course": (token_for(make_user("guru2", role="instructor")), 403),
        "coordinator elsewhere": (
            token_for(make_user("koor2", role="coordinator", unit="Pemerintah Kabupaten Manokwari")),
            404,
        ),
    }
    for who, (headers, status) in refusals.items():
        assert world.client.put(url, json=body, headers=headers).status_code == status, who
    instructor = token_for(make_user("guru", role="instructor"))
    assert world.client.put(url, json=body, headers=instructor).status_code == 200
    summary = world.client.get(f"/api/v1/quizzes/{world.quiz_id}", headers=world.headers).get_json()
    assert summary["attempts_allowed"] == 2
    assert take(world, good=True)["number"] == 2
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "quiz.override")).all()
    assert [(e.actor_username, e.details["extra_attempts"]) for e in entries] == [("guru", 1)]
