"""Lessons and progress: viewing completes, sequential locks, completion once and never reverted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Lesson
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.quizzes.models import Quiz, QuizResult
from tests.coursetree import build_course, write
from tests.factories import Scenario, load_content


def outline(client: FlaskClient, headers: dict[str, str], code: str = "TST-1") -> dict:
    return client.get(f"/api/v1/courses/{code}", headers=headers).get_json()


def lesson_ids(body: dict) -> list[int]:
    return [i["id"] for m in body["modules"] for i in m["items"] if i["type"] == "lesson"]


def test_viewing_a_lesson_completes_it_and_shows_its_neighbours(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["learner_enrolled"])
    body = client.get(f"/api/v1/lessons/{scenario.first_lesson_id}", headers=headers).get_json()
    assert body["completed"] is True
    assert body["course"] == "TST-1"
    assert body["module"] == "modul-1"
    assert body["previous"] is None
    assert body["next"]["type"] == "lesson"
    assert set(body["next"]) >= {"type", "id", "slug", "title", "optional", "locked", "completed"}
    # the image, and the link that opens it full size
    assert body["html"].count("/media/TST-1/gambar.svg?v=") == 2
    assert '<a class="image-full" href="/media/TST-1/gambar.svg?v=' in body["html"]
    progress = client.get("/api/v1/courses/TST-1/progress", headers=headers).get_json()
    assert progress == {
        "percent": 20,
        "completed_items": 1,
        "total_items": 5,
        "completed": False,
        "completed_at": None,
        "certificate": None,
    }


def test_sequential_course_locks_a_module_until_the_previous_is_complete(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["learner_enrolled"])
    body = outline(client, headers)
    first, second = body["modules"]
    assert first["locked"] is False
    assert second["locked"] is True
    assert all(item["locked"] for item in second["items"])
    locked = client.get(f"/api/v1/lessons/{second['items'][0]['id']}", headers=headers)
    assert locked.status_code == 403
    assert locked.get_json()["error"]["code"] == "locked"
    for item in first["items"]:
        if item["type"] == "lesson":
            client.get(f"/api/v1/lessons/{item['id']}", headers=headers)
    # Lessons viewed but the quiz not passed: still locked.
    assert outline(client, headers)["modules"][1]["locked"] is True
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == scenario.course.id))
    assert quiz is not None
    db.session.add(QuizResult(user_id=scenario.users["learner_enrolled"].id, quiz_id=quiz.id, grade=80, is_passed=True))
    db.session.commit()
    after = outline(client, headers)
    assert after["modules"][0]["completed"] is True
    assert after["modules"][1]["locked"] is False
    assert client.get(f"/api/v1/lessons/{second['items'][0]['id']}", headers=headers).status_code == 200


def test_locked_lesson_page_says_why_and_links_to_what_unlocks_it(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, scenario.users["learner_enrolled"])
    html = client.get("/courses/TST-1").get_data(as_text=True)
    assert "Terkunci" in html
    assert 'href="#modul-modul-1"' in html
    locked_id = db.session.scalar(select(Lesson.id).where(Lesson.key == "modul-2/pelajaran-1"))
    response = client.get(f"/lessons/{locked_id}")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert 'Selesaikan dahulu modul "Modul 1"' in html or "Selesaikan dahulu modul &#34;Modul 1&#34;" in html
    first_lesson = db.session.scalar(select(Lesson.id).where(Lesson.key == "modul-1/pelajaran-1"))
    assert f'href="/lessons/{first_lesson}"' in html  # links to what unlocks it


def complete_course(client: FlaskClient, headers: dict[str, str], code: str) -> None:
    for lesson_id in lesson_ids(outline(client, headers, code)):
        assert client.get(f"/api/v1/lessons/{lesson_id}", headers=headers).status_code == 200


def test_completion_is_recorded_once_and_survives_an_added_lesson(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
) -> None:
    course_dir = build_course(tmp_path, "FIN-1", modules=2, lessons=1, quiz=False)
    load_content(app, tmp_path)
    learner = make_user("siti")
    headers = token_for(learner)
    client.post("/api/v1/courses/FIN-1/enrolment", headers=headers, json={})
    complete_course(client, headers, "FIN-1")
    progress = client.get("/api/v1/courses/FIN-1/progress", headers=headers).get_json()
    assert progress["completed"] is True
    assert progress["percent"] == 100
    completed_at = progress["completed_at"]
    assert completed_at is not None
    # An instructor adds a lesson: completion stays, with its original time.
    write(course_dir / "02-modul-2" / "02-tambahan.md", "# Tambahan\n\nMateri baru.\n")
    load_content(app, tmp_path)
    after = client.get("/api/v1/courses/FIN-1/progress", headers=headers).get_json()
    assert after["completed"] is True
    assert after["completed_at"] == completed_at
    assert after["percent"] == 66


def test_optional_items_do_not_count_or_block(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
) -> None:
    course_dir = build_course(tmp_path, "OPT-1", modules=3, lessons=1, quiz=False)
    write(course_dir / "02-modul-2" / "module.md", "---\ntitle: Pengayaan\noptional: true\n---\n")
    write(course_dir / "01-modul-1" / "02-bonus.md", "---\noptional: true\n---\n# Bonus\n\nTambahan.\n")
    load_content(app, tmp_path)
    headers = token_for(make_user("siti"))
    client.post("/api/v1/courses/OPT-1/enrolment", headers=headers, json={})
    body = outline(client, headers, "OPT-1")
    assert [m["locked"] for m in body["modules"]] == [False, True, True]
    first_lesson = body["modules"][0]["items"][0]["id"]
    client.get(f"/api/v1/lessons/{first_lesson}", headers=headers)
    body = outline(client, headers, "OPT-1")
    # The optional module waited for module 1, and never blocks module 3.
    assert [m["locked"] for m in body["modules"]] == [False, False, False]
    # Nothing in it is required, but it is not shown as done before it is read.
    assert body["modules"][1]["completed"] is False
    last = body["modules"][2]["items"][0]["id"]
    client.get(f"/api/v1/lessons/{last}", headers=headers)
    progress = client.get("/api/v1/courses/OPT-1/progress", headers=headers).get_json()
    assert (progress["completed_items"], progress["total_items"], progress["completed"]) == (2, 2, True)


def test_staff_read_any_lesson_without_progress(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    locked_id = db.session.scalar(select(Lesson.id).where(Lesson.key == "modul-2/pelajaran-1"))
    for role in ("instructor", "coordinator", "admin"):
        headers = token_for(scenario.users[role])
        response = client.get(f"/api/v1/lessons/{locked_id}", headers=headers)
        assert response.status_code == 200
        assert response.get_json()["completed"] is False
    assert db.session.scalar(select(Enrolment).where(Enrolment.user_id == scenario.users["admin"].id)) is None


def test_an_archived_lesson_is_404_and_progress_is_kept(
    app: Flask, client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["learner_enrolled"])
    client.get(f"/api/v1/lessons/{scenario.first_lesson_id}", headers=headers)
    (scenario.content_dir / "tst-1" / "01-modul-1" / "01-pelajaran-1.md").unlink()
    load_content(app, scenario.content_dir)
    response = client.get(f"/api/v1/lessons/{scenario.first_lesson_id}", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    from elearn.progress.models import LessonCompletion

    kept = db.session.scalar(select(LessonCompletion).where(LessonCompletion.lesson_id == scenario.first_lesson_id))
    assert kept is not None


def test_catalogue_searches_filters_and_shows_progress(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["learner_enrolled"])
    client.get(f"/api/v1/lessons/{scenario.first_lesson_id}", headers=headers)
    items = client.get("/api/v1/courses", headers=headers).get_json()["items"]
    by_code = {i["code"]: i for i in items}
    assert set(by_code) == {"TST-1", "TST-2", "TST-A"}
    assert by_code["TST-1"]["progress_percent"] == 20
    assert by_code["TST-1"]["enrolled"] is True
    assert (by_code["TST-1"]["module_count"], by_code["TST-1"]["lesson_count"], by_code["TST-1"]["quiz_count"]) == (
        2,
        4,
        1,
    )
    assert by_code["TST-A"]["enrolment_status"] == "pending"
    assert by_code["TST-A"]["enrolled"] is False
    assert by_code["TST-2"]["progress_percent"] is None
    assert [i["code"] for i in client.get("/api/v1/courses?q=kursus tst-2", headers=headers).get_json()["items"]] == [
        "TST-2"
    ]
    assert client.get("/api/v1/courses?competency=manajerial", headers=headers).get_json()["items"] == []
    bad = client.get("/api/v1/courses?competency=salah", headers=headers)
    assert bad.status_code == 422


def test_my_courses_page_shows_progress_and_a_continue_link(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, scenario.users["learner_enrolled"])
    client.get(f"/lessons/{scenario.first_lesson_id}")
    html = client.get("/my").get_data(as_text=True)
    assert 'value="20"' in html
    assert 'href="/courses/TST-1/continue"' in html
    assert "Lanjutkan belajar" in html
    second = db.session.scalar(select(Lesson.id).where(Lesson.key == "modul-1/pelajaran-2"))
    # Continue leads to the first unlocked item not done yet.
    assert client.get("/courses/TST-1/continue").headers["Location"] == f"/lessons/{second}"


def test_enrol_page_with_a_wrong_key_shows_the_error(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    tmp_path: Path,
    monkeypatch,  # noqa: ANN001
) -> None:
    from tests.factories import csrf_from

    monkeypatch.setenv("ELEARN_KEY_PAGE", "benar")
    build_course(tmp_path, "KEY-P", enrolment="key", enrolment_key_env="ELEARN_KEY_PAGE")
    load_content(app, tmp_path)
    login(client, make_user("siti"))
    token = csrf_from(client, "/courses/KEY-P")
    wrong = client.post("/courses/KEY-P/enrol", data={"csrf_token": token, "key": "salah"}, follow_redirects=True)
    assert "Kunci pendaftaran salah." in wrong.get_data(as_text=True)
    right = client.post("/courses/KEY-P/enrol", data={"csrf_token": token, "key": "benar"}, follow_redirects=True)
    assert "Selamat belajar" in right.get_data(as_text=True)


def test_an_id_too_large_for_the_database_is_404(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["learner_enrolled"])
    response = client.get("/api/v1/lessons/99999999999999999999999", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_search_finds_every_word_anywhere_in_the_course(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["learner_enrolled"])
    found = client.get("/api/v1/courses?q=tst-1 ringkasan", headers=headers).get_json()["items"]
    assert [item["code"] for item in found] == ["TST-1"]  # the code, and a word of the summary
    assert len(client.get("/api/v1/courses?q=ringkasan kursus", headers=headers).get_json()["items"]) == 3
