"""The attempt contract (api.md "Quizzes and attempts"): start or resume, autosave, submit, read,
and every error code it names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.quizzes.models import Attempt, AttemptAnswer, QuizResult
from tests.quizzes.world import ALL_TYPES, QuizWorld, best_answers, build_quiz_world, wrong_answers


@pytest.fixture
def world(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Callable[..., dict[str, str]]
) -> QuizWorld:
    return build_quiz_world(app, tmp_path, make_user, token_for)


def test_a_quiz_summary_lists_its_settings_and_the_callers_state(world: QuizWorld) -> None:
    body = world.client.get(f"/api/v1/quizzes/{world.quiz_id}", headers=world.headers).get_json()
    assert body == {
        "id": world.quiz_id,
        "title": "Kuis semua jenis",
        "pass": 60.0,
        "attempts_allowed": 0,
        "attempts_used": 0,
        "time_limit_minutes": None,
        "grading": "highest",
        "review": "immediately",
        "question_count": 6,
        "grade": None,
        "passed": None,
        "open_attempt": None,
        "completed": False,
    }


def test_starting_gives_201_and_starting_again_resumes_the_same_attempt_with_200(world: QuizWorld) -> None:
    first = world.client.post(f"/api/v1/quizzes/{world.quiz_id}/attempts", headers=world.headers)
    assert first.status_code == 201
    again = world.client.post(f"/api/v1/quizzes/{world.quiz_id}/attempts", headers=world.headers)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["questions"] == first.get_json()["questions"]  # layout decided once
    body = first.get_json()
    assert body["state"] == "in_progress"
    assert body["number"] == 1
    assert body["deadline"] is None
    assert body["answers"] == {}
    assert {q["type"] for q in body["questions"]} == {
        "single",
        "multiple",
        "truefalse",
        "short",
        "numerical",
        "matching",
    }
    summary = world.client.get(f"/api/v1/quizzes/{world.quiz_id}", headers=world.headers).get_json()
    assert summary["open_attempt"] == body["id"]
    assert summary["attempts_used"] == 1


def test_true_false_options_read_in_the_course_language(world: QuizWorld) -> None:
    body = world.start()
    truefalse = next(q for q in body["questions"] if q["type"] == "truefalse")
    assert [o["html"] for o in truefalse["options"]] == ["Benar", "Salah"]


def test_autosave_merges_into_what_was_saved(world: QuizWorld) -> None:
    body = world.start()
    answers = best_answers(body["id"])
    keys = sorted(answers)
    first = world.save(body["id"], {keys[0]: answers[keys[0]]})
    assert first.status_code == 200
    assert first.get_json()["saved"] == 1
    second = world.save(body["id"], {keys[1]: answers[keys[1]], keys[2]: answers[keys[2]]})
    assert second.get_json()["saved"] == 2
    again = world.start()
    assert again["answers"] == {key: answers[key] for key in keys[:3]}
    cleared = world.save(body["id"], {keys[0]: None})
    assert cleared.status_code == 200
    assert keys[0] not in world.start()["answers"]


@pytest.mark.parametrize(
    "bad",
    ["unknown-question", "unknown-option", "list-for-single", "number-for-short", "too-long", "object-for-multiple"],
)
def test_an_invalid_answer_is_refused_with_422_and_nothing_is_saved(world: QuizWorld, bad: str) -> None:
    body = world.start()
    by_type = {q["type"]: q for q in body["questions"]}
    good = {str(by_type["numerical"]["id"]): "20"}
    single, short, multiple = (str(by_type[t]["id"]) for t in ("single", "short", "multiple"))
    answers = {
        "unknown-question": {"999999": "x"},
        "unknown-option": {single: "tidak-ada"},
        "list-for-single": {single: [by_type["single"]["options"][0]["id"]]},
        "number-for-short": {short: 42},
        "too-long": {short: "x" * 5000},
        "object-for-multiple": {multiple: {"a": 1}},
    }[bad]
    response = world.save(body["id"], {**good, **answers})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_answer"
    assert set(error["fields"]) == set(answers)
    assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0


def test_submitting_grades_exactly_and_reviews_immediately(world: QuizWorld) -> None:
    body = world.start()
    answers = best_answers(body["id"])
    result = world.submit(body["id"], answers)
    assert result.status_code == 200
    result_body = result.get_json()
    assert result_body["state"] == "finished"
    assert result_body["score"] == 6.0
    assert result_body["max_score"] == 6.0
    assert result_body["grade"] == 100.0
    assert result_body["passed"] is True
    assert all(item["correct"] for item in result_body["review"])
    assert {item["question_id"] for item in result_body["review"]} == {q["id"] for q in body["questions"]}
    single = next(q for q in body["questions"] if q["type"] == "single")
    review = next(item for item in result_body["review"] if item["question_id"] == single["id"])
    assert "UMPANBALIK-PILIHAN-BENAR" in review["feedback_html"]


def test_submit_is_idempotent_and_ignores_a_second_body(world: QuizWorld) -> None:
    body = world.start()
    first = world.submit(body["id"], wrong_answers(body["id"])).get_json()
    second = world.submit(body["id"], best_answers(body["id"])).get_json()
    assert first == second
    assert first["grade"] == 0.0
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_saving_into_a_finished_attempt_is_409_attempt_closed(world: QuizWorld) -> None:
    body = world.start()
    world.submit(body["id"])
    response = world.save(body["id"], best_answers(body["id"]))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "attempt_closed"


def test_no_attempts_left_is_409_and_a_new_attempt_otherwise(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Callable[..., dict[str, str]]
) -> None:
    world = build_quiz_world(
        app, tmp_path, make_user, token_for, ALL_TYPES.replace("pass: 60", "pass: 60\nattempts: 2")
    )
    for number in (1, 2):
        body = world.start()
        assert body["number"] == number
        world.submit(body["id"])
    refused = world.client.post(f"/api/v1/quizzes/{world.quiz_id}/attempts", headers=world.headers)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "no_attempts_left"


def test_only_an_enrolled_learner_may_start_and_each_refusal_has_its_code(
    world: QuizWorld, make_user: Callable[..., User], token_for: Callable[..., dict[str, str]]
) -> None:
    outsider = make_user("tamu")
    response = world.client.post(f"/api/v1/quizzes/{world.quiz_id}/attempts", headers=token_for(outsider))
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "not_enrolled")
    waiting = make_user("menunggu")
    db.session.add(Enrolment(user_id=waiting.id, course_id=world.course.id, status="pending"))
    db.session.commit()
    response = world.client.post(f"/api/v1/quizzes/{world.quiz_id}/attempts", headers=token_for(waiting))
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "enrolment_pending")
    missing = world.client.post("/api/v1/quizzes/999999/attempts", headers=world.headers)
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "not_found")


def test_a_quiz_in_a_locked_module_cannot_be_started(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Callable[..., dict[str, str]]
) -> None:
    from tests.coursetree import course_md, write
    from tests.factories import load_content

    folder = tmp_path / "kunci"
    write(folder / "course.md", course_md("KUNCI-1"))
    write(folder / "01-awal" / "01-a.md", "# A\n\nIsi.\n")
    write(folder / "02-akhir" / "01-kuis.quiz.md", "## Berapa?\n\n= 4\n")
    load_content(app, folder)
    learner = make_user("peserta")
    from elearn.catalogue.models import Course
    from elearn.quizzes.models import Quiz

    course = db.session.scalar(select(Course).where(Course.code == "KUNCI-1"))
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id, status="active"))
    db.session.commit()
    quiz_id = db.session.scalar(select(Quiz.id))
    response = app.test_client().post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=token_for(learner))
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "locked")


def test_somebody_elses_attempt_is_404_but_staff_of_the_learner_see_it(
    world: QuizWorld, make_user: Callable[..., User], token_for: Callable[..., dict[str, str]]
) -> None:
    body = world.start()
    url = f"/api/v1/attempts/{body['id']}"
    others = {
        "another learner": make_user("lain"),
        "instructor of another course": make_user("guru2", role="instructor"),
        "coordinator elsewhere": make_user("koor2", role="coordinator", unit="Pemerintah Kabupaten Manokwari"),
    }
    for who, user in others.items():
        headers = token_for(user)
        for response in (
            world.client.get(url, headers=headers),
            world.client.put(f"{url}/answers", json={"answers": {}}, headers=headers),
            world.client.post(f"{url}/submit", json={}, headers=headers),
        ):
            assert response.status_code == 404, who
            assert response.get_json()["error"]["code"] == "not_found"
    staff = {
        "instructor": make_user("guru", role="instructor"),
        "coordinator": make_user("koor", role="coordinator", unit="Pemerintah Kota Sorong"),
        "admin": make_user("admin", role="admin"),
    }
    for who, user in staff.items():
        response = world.client.get(url, headers=token_for(user))
        assert response.status_code == 200, who
        saving = world.client.put(f"{url}/answers", json={"answers": {}}, headers=token_for(user))
        assert saving.status_code == 404, who  # only the owner answers


def test_passing_the_quiz_completes_the_item_and_unlocks_the_next_module(world: QuizWorld) -> None:
    outline = world.client.get(f"/api/v1/courses/{world.course.code}", headers=world.headers).get_json()
    assert outline["modules"][1]["locked"] is True
    lesson = outline["modules"][0]["items"][0]["id"]
    world.client.get(f"/api/v1/lessons/{lesson}", headers=world.headers)
    body = world.start()
    world.submit(body["id"], best_answers(body["id"]))
    outline = world.client.get(f"/api/v1/courses/{world.course.code}", headers=world.headers).get_json()
    quiz_item = outline["modules"][0]["items"][1]
    assert quiz_item["type"] == "quiz" and quiz_item["completed"] is True
    assert outline["modules"][1]["locked"] is False
    result = db.session.get(QuizResult, (world.learner.id, world.quiz_id))
    assert result is not None and result.is_passed and result.passed_at is not None


def test_a_failed_quiz_keeps_the_next_module_locked(world: QuizWorld) -> None:
    body = world.start()
    world.submit(body["id"], wrong_answers(body["id"]))
    outline = world.client.get(f"/api/v1/courses/{world.course.code}", headers=world.headers).get_json()
    assert outline["modules"][1]["locked"] is True
    summary = world.client.get(f"/api/v1/quizzes/{world.quiz_id}", headers=world.headers).get_json()
    assert (summary["grade"], summary["passed"], summary["completed"]) == (0.0, False, False)
