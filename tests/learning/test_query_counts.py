"""Hot paths run a small constant number of queries, whatever the size of the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from tests.coursetree import build_course
from tests.factories import load_content


def world(app: Flask, tmp_path: Path, make_user: Callable[..., User], courses: int, modules: int, lessons: int) -> User:
    for n in range(courses):
        build_course(tmp_path, f"QC-{n}", modules=modules, lessons=lessons)
    load_content(app, tmp_path)
    learner = make_user("siti")
    from sqlalchemy import select

    from elearn.catalogue.models import Course

    for course in db.session.scalars(select(Course)):
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id, status="active"))
    for n in range(courses * 3):  # other learners' enrolments must not matter
        other = make_user(f"lain{n}")
        db.session.add(Enrolment(user_id=other.id, course_id=n % courses + 1, status="active"))
    db.session.commit()
    return learner


def measure(client: FlaskClient, count_queries: Callable[[], Any], path: str, **kwargs: Any) -> int:
    with count_queries() as counter:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return counter.count


def run_hot_paths(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    login: Callable[[FlaskClient, User], None],
    count_queries: Callable[[], Any],
    size: int,
) -> dict[str, int]:
    learner = world(app, tmp_path, make_user, courses=size, modules=size, lessons=size)
    headers = token_for(learner)
    client = app.test_client()
    login(client, learner)
    first_lesson = client.get("/api/v1/courses/QC-0", headers=headers).get_json()["modules"][0]["items"][0]["id"]
    counts = {
        "api catalogue": measure(client, count_queries, "/api/v1/courses", headers=headers),
        "api outline": measure(client, count_queries, "/api/v1/courses/QC-0", headers=headers),
        "api lesson (first view, writes progress)": measure(
            client, count_queries, f"/api/v1/lessons/{first_lesson}", headers=headers
        ),
        "page catalogue": measure(client, count_queries, "/"),
        "page my courses": measure(client, count_queries, "/my"),
        "page outline": measure(client, count_queries, "/courses/QC-0"),
        "page lesson": measure(client, count_queries, f"/lessons/{first_lesson}"),
    }
    return counts


def test_hot_paths_query_count_does_not_grow_with_courses_modules_lessons_or_enrolments(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    login: Callable[[FlaskClient, User], None],
    count_queries: Callable[[], Any],
) -> None:
    small = run_hot_paths(app, tmp_path / "small", make_user, token_for, login, count_queries, size=2)
    from tests.conftest import _empty_all_tables

    _empty_all_tables()
    large = run_hot_paths(app, tmp_path / "large", make_user, token_for, login, count_queries, size=5)
    assert small == large
    writes = {"api lesson (first view, writes progress)"}
    # The budget of the speed issue: 4 queries a read, 6 with its write (today 2 and 6).
    assert all(n <= 4 for path, n in small.items() if path not in writes), small
    assert all(small[path] <= 6 for path in writes), small
