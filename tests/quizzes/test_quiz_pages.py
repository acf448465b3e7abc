"""The quiz pages work by plain form posts (no JavaScript): start, answer one question per screen or
all on one page, submit, see the result and its review; instructors see results, item analysis and
grade essays."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.quizzes.loading import attempt_questions
from elearn.quizzes.models import Attempt
from tests.factories import csrf_from
from tests.quizzes.world import ALL_TYPES, ESSAY, QuizWorld, best_answers, build_quiz_world


@pytest.fixture
def world(app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Callable[..., Any]) -> QuizWorld:
    return build_quiz_world(app, tmp_path, make_user, token_for)


@pytest.fixture
def page(app: Flask, world: QuizWorld, login: Callable[[FlaskClient, User], None]) -> FlaskClient:
    client = app.test_client()
    login(client, world.learner)
    return client


def form_fields(attempt_id: int, answers: dict[str, Any], keys: list[str]) -> list[tuple[str, str]]:
    """The form fields a browser would post for these questions' answers."""
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    types = {q.key: q.spec.type for q in attempt_questions(attempt)}
    fields: list[tuple[str, str]] = []
    for key in keys:
        fields.append(("shown", key))
        value = answers[key]
        if types[key] == "multiple":
            fields.extend((f"a-{key}", v) for v in value)
        elif types[key] == "matching":
            fields.extend((f"a-{key}-{left}", right) for left, right in value.items())
        else:
            fields.append((f"a-{key}", value))
    return fields


def test_the_start_page_shows_the_pass_mark_as_a_percentage(page: FlaskClient, world: QuizWorld) -> None:
    html = page.get(f"/quizzes/{world.quiz_id}").get_data(as_text=True)
    assert "<dd>60%</dd>" in html
    assert "700" not in html and "600" not in html
    assert "Mulai mengerjakan" in html


def test_a_learner_answers_one_question_per_screen_and_submits_without_javascript(
    page: FlaskClient, world: QuizWorld
) -> None:
    token = csrf_from(page, f"/quizzes/{world.quiz_id}")
    started = page.post(f"/quizzes/{world.quiz_id}/start", data={"csrf_token": token})
    assert started.status_code == 302
    url = started.headers["Location"]
    attempt_id = int(url.rsplit("/", 1)[1])
    answers = best_answers(attempt_id)
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    order = [q.key for q in attempt_questions(attempt)]
    for number, key in enumerate(order, start=1):
        html = page.get(f"{url}?q={number}").get_data(as_text=True)
        assert f"Soal {number} dari {len(order)}" in html
        assert html.count('name="shown"') == 1  # one question per screen
        fields = [("csrf_token", csrf_from(page, f"{url}?q={number}")), ("q", str(number + 1))]
        moved = page.post(f"{url}/save", data=MultiDict(form_fields(attempt_id, answers, [key]) + fields))
        assert moved.status_code == 302
    confirm = page.get(f"{url}/submit").get_data(as_text=True)
    assert f"Anda menjawab {len(order)} dari {len(order)} soal." in confirm
    done = page.post(f"{url}/submit", data={"csrf_token": csrf_from(page, f"{url}/submit")})
    assert done.status_code == 302
    result = page.get(url).get_data(as_text=True)
    assert "Hasil percobaan ke-1" in result
    assert "<strong>100</strong>" in result
    assert "Pembahasan" in result and "UMPANBALIK-PILIHAN-BENAR" in result


def test_all_questions_on_one_page_is_the_learners_choice_and_is_kept(page: FlaskClient, world: QuizWorld) -> None:
    body = world.start()
    url = f"/attempts/{body['id']}"
    html = page.get(f"{url}?view=all").get_data(as_text=True)
    assert html.count('name="shown"') == len(body["questions"])
    again = page.get(url).get_data(as_text=True)
    assert again.count('name="shown"') == len(body["questions"])
    assert page.get(f"{url}?view=one").get_data(as_text=True).count('name="shown"') == 1


def test_an_invalid_answer_on_the_page_is_shown_at_its_question_and_nothing_is_saved(
    page: FlaskClient, world: QuizWorld
) -> None:
    body = world.start()
    single = next(q for q in body["questions"] if q["type"] == "single")
    url = f"/attempts/{body['id']}"
    fields = [("csrf_token", csrf_from(page, url)), ("shown", str(single["id"])), (f"a-{single['id']}", "palsu")]
    response = page.post(f"{url}/save", data=MultiDict(fields))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and "unknown option id" in html
    assert world.start()["answers"] == {}


def test_the_page_script_autosaves_with_the_csrf_header_and_gets_the_api_envelope(
    page: FlaskClient, world: QuizWorld
) -> None:
    body = world.start()
    url = f"/attempts/{body['id']}"
    token = csrf_from(page, url)
    answers = best_answers(body["id"])
    saved = page.post(f"{url}/autosave", json={"answers": answers}, headers={"X-CSRFToken": token})
    assert saved.status_code == 200
    assert saved.get_json()["saved"] == len(answers)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", saved.get_json()["saved_at"])
    refused = page.post(f"{url}/autosave", json={"answers": answers})
    assert refused.status_code == 400  # no CSRF token
    bad = page.post(f"{url}/autosave", json={"answers": {"999": "x"}}, headers={"X-CSRFToken": token})
    assert (bad.status_code, bad.get_json()["error"]["code"]) == (422, "invalid_answer")
    hostile = page.post(
        f"{url}/autosave", data="[" * 50_000, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert hostile.status_code == 400


def test_another_learner_gets_404_on_every_attempt_page(
    app: Flask, world: QuizWorld, make_user: Callable[..., User], login: Callable[..., None]
) -> None:
    body = world.start()
    other = app.test_client()
    login(other, make_user("lain"))
    token = csrf_from(other, "/")
    for method, path in [
        ("get", ""),
        ("get", "/submit"),
        ("post", "/save"),
        ("post", "/submit"),
        ("post", "/autosave"),
    ]:
        response = getattr(other, method)(f"/attempts/{body['id']}{path}", data={"csrf_token": token})
        assert response.status_code == 404, path


def test_an_instructor_sees_results_item_analysis_and_grades_an_essay(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[..., Any],
    login: Callable[[FlaskClient, User], None],
) -> None:
    world = build_quiz_world(app, tmp_path, make_user, token_for, ESSAY)
    body = world.start()
    world.submit(body["id"], best_answers(body["id"]))
    instructor = app.test_client()
    login(instructor, make_user("guru", role="instructor"))
    results = instructor.get(f"/quizzes/{world.quiz_id}/results").get_data(as_text=True)
    assert "Esai menunggu penilaian" in results
    assert "Menunggu penilaian esai" in results
    essay = next(q for q in body["questions"] if q["type"] == "essay")
    url = f"/attempts/{body['id']}/grade/{essay['id']}"
    page_html = instructor.get(url).get_data(as_text=True)
    assert "Jawaban esai yang panjang." in page_html
    token = csrf_from(instructor, url)
    too_high = instructor.post(url, data={"csrf_token": token, "score": "5", "comment": ""})
    assert "Nilai harus antara 0 dan 2" in too_high.get_data(as_text=True)
    graded = instructor.post(url, data={"csrf_token": token, "score": "2", "comment": "Lengkap."})
    assert graded.status_code == 302
    mine = world.client.get(f"/api/v1/attempts/{body['id']}", headers=world.headers).get_json()
    assert mine["state"] == "finished" and mine["grade"] == 100.0
    assert instructor.get("/grading").get_data(as_text=True).count("/grade/") == 0


def test_results_pages_are_refused_to_learners(page: FlaskClient, world: QuizWorld) -> None:
    assert page.get(f"/quizzes/{world.quiz_id}/results").status_code == 403


def test_item_analysis_counts_choices_per_option_and_computes_facility(
    app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Callable[..., Any]
) -> None:
    from elearn.quizzes.models import Quiz
    from elearn.quizzes.queries import item_analysis

    world = build_quiz_world(
        app, tmp_path, make_user, token_for, ALL_TYPES.replace("pass: 60", "pass: 60\nattempts: 3")
    )
    for good in (True, True, False):
        body = world.start()
        from tests.quizzes.world import wrong_answers

        world.submit(body["id"], best_answers(body["id"]) if good else wrong_answers(body["id"]))
    quiz = db.session.get(Quiz, world.quiz_id)
    assert quiz is not None
    stats = {item.type: item for item in item_analysis(quiz)}
    assert stats["single"].attempts == 3
    assert stats["single"].facility == pytest.approx(2 / 3)
    assert [(right, n) for _html, n, right in stats["single"].option_counts] == [(True, 2), (False, 1)]
    assert stats["short"].option_counts == []
