"""Time limits are the server's: the deadline, the 30 s grace for requests in flight, and overdue
attempts finished with their saved answers on the next touch or by the sweep (injected clock)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.quizzes.models import Attempt
from tests.quizzes.world import ALL_TYPES, QuizWorld, best_answers, build_quiz_world

START = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
TIMED = ALL_TYPES.replace("pass: 60", "pass: 60\ntime_limit: 10\nattempts: 2")


@pytest.fixture
def world(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[..., dict[str, str]],
    clock: Callable[[dt.datetime], None],
) -> QuizWorld:
    clock(START)
    return build_quiz_world(app, tmp_path, make_user, token_for, TIMED)


def half(answers: dict[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    keys = sorted(answers)
    return {k: answers[k] for k in keys[:3]}, {k: answers[k] for k in keys[3:]}


def test_the_deadline_is_start_plus_the_time_limit(world: QuizWorld) -> None:
    body = world.start()
    assert body["deadline"] == "2026-11-23T01:10:00+00:00"
    assert body["seconds_left"] == 600
    assert body["grace_seconds"] == 30


def test_a_save_in_the_grace_counts_and_the_attempt_still_reads_in_progress(
    world: QuizWorld, clock: Callable[[dt.datetime], None]
) -> None:
    body = world.start()
    clock(START + dt.timedelta(minutes=10, seconds=29))
    assert world.save(body["id"], best_answers(body["id"])).status_code == 200
    read = world.client.get(f"/api/v1/attempts/{body['id']}", headers=world.headers).get_json()
    assert read["state"] == "in_progress"
    result = world.submit(body["id"]).get_json()
    assert result["grade"] == 100.0


def test_from_deadline_plus_grace_a_save_is_refused_and_what_was_saved_is_graded(
    world: QuizWorld, clock: Callable[[dt.datetime], None]
) -> None:
    body = world.start()
    early, late = half(best_answers(body["id"]))
    clock(START + dt.timedelta(minutes=9))
    world.save(body["id"], early)
    clock(START + dt.timedelta(minutes=10, seconds=30))
    refused = world.save(body["id"], late)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "attempt_closed"
    attempt = db.session.get(Attempt, body["id"])
    assert attempt is not None and attempt.state == "finished"  # closed on this touch, not left open
    result = world.client.get(f"/api/v1/attempts/{body['id']}", headers=world.headers).get_json()
    assert result["score"] == 3.0
    assert result["finished_at"] == "2026-11-23T01:10:30+00:00"


def test_a_late_submit_ignores_its_body_and_grades_what_was_saved(
    world: QuizWorld, clock: Callable[[dt.datetime], None]
) -> None:
    body = world.start()
    early, _late = half(best_answers(body["id"]))
    world.save(body["id"], early)
    clock(START + dt.timedelta(hours=3))
    result = world.submit(body["id"], best_answers(body["id"]))
    assert result.status_code == 200
    assert result.get_json()["score"] == 3.0


@pytest.mark.parametrize("touch", ["read", "start", "summary", "page"])
def test_any_touch_after_the_grace_finishes_the_attempt_with_its_saved_answers(
    world: QuizWorld, clock: Callable[[dt.datetime], None], login: Callable[..., None], touch: str
) -> None:
    body = world.start()
    early, _late = half(best_answers(body["id"]))
    world.save(body["id"], early)
    clock(START + dt.timedelta(minutes=11))
    if touch == "read":
        world.client.get(f"/api/v1/attempts/{body['id']}", headers=world.headers)
    elif touch == "start":
        fresh = world.start()  # the overdue one is finished; a new one starts (attempts: 2)
        assert fresh["number"] == 2
    elif touch == "summary":
        world.client.get(f"/api/v1/quizzes/{world.quiz_id}", headers=world.headers)
    else:
        page = world.app.test_client()
        login(page, world.learner)
        assert "Waktu pengerjaan sudah habis" in page.get(f"/attempts/{body['id']}").get_data(as_text=True)
    attempt = db.session.get(Attempt, body["id"])
    assert attempt is not None
    db.session.refresh(attempt)
    assert (attempt.state, float(attempt.score or 0)) == ("finished", 3.0)


def test_the_sweep_finishes_every_overdue_attempt_and_is_safe_to_run_again(
    world: QuizWorld, clock: Callable[[dt.datetime], None]
) -> None:
    body = world.start()
    world.save(body["id"], half(best_answers(body["id"]))[0])
    runner = world.app.test_cli_runner()
    clock(START + dt.timedelta(minutes=10, seconds=29))
    assert "0 overdue attempt(s) finished" in runner.invoke(args=["certificates", "sweep"]).output
    clock(START + dt.timedelta(minutes=10, seconds=30))
    assert "1 overdue attempt(s) finished" in runner.invoke(args=["certificates", "sweep"]).output
    assert "0 overdue attempt(s) finished" in runner.invoke(args=["certificates", "sweep"]).output
    attempt = db.session.get(Attempt, body["id"])
    assert attempt is not None
    db.session.refresh(attempt)
    assert attempt.state == "finished" and float(attempt.score or 0) == 3.0


def test_extra_time_for_one_learner_extends_the_open_attempt_and_every_later_one(
    world: QuizWorld,
    make_user: Callable[..., User],
    token_for: Callable[..., dict[str, str]],
    clock: Callable[[dt.datetime], None],
) -> None:
    body = world.start()
    coordinator = make_user("koor", role="coordinator", unit="Pemerintah Kota Sorong")
    response = world.client.put(
        f"/api/v1/quizzes/{world.quiz_id}/overrides/peserta",
        json={"extra_minutes": 15, "reason": "Tunanetra: pembaca layar"},
        headers=token_for(coordinator),
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["set_by"] == "koor"
    read = world.client.get(f"/api/v1/attempts/{body['id']}", headers=world.headers).get_json()
    assert read["deadline"] == "2026-11-23T01:25:00+00:00"
    clock(START + dt.timedelta(minutes=20))
    assert world.save(body["id"], best_answers(body["id"])).status_code == 200
    summary = world.client.get(f"/api/v1/quizzes/{world.quiz_id}", headers=world.headers).get_json()
    assert summary["time_limit_minutes"] == 25
