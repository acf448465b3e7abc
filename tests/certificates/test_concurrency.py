"""Twenty learners completing the same course at the same moment get twenty distinct numbers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.certificates.models import Certificate
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.reports.models import JpEntry
from tests.factories import load_content

from .flows import course_with_jp

LEARNERS = 20


def test_twenty_concurrent_completions_get_distinct_numbers_and_one_certificate_each(
    app: Flask, make_user: Callable[..., User], token_for: Callable[[User], dict[str, str]], tmp_path: Path
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every write)")
    from tests.conftest import make_test_app

    course_with_jp(tmp_path, "RAC-1", 5)
    load_content(app, tmp_path)
    course = db.session.scalar(select(Course).where(Course.code == "RAC-1"))
    lesson = db.session.scalar(select(Lesson.id).where(Lesson.course_id == course.id)) if course else None
    assert course is not None and lesson is not None
    headers = []
    for n in range(LEARNERS):
        person = make_user(f"serentak{n}")
        db.session.add(Enrolment(user_id=person.id, course_id=course.id, status="active"))
        headers.append(token_for(person))
    db.session.commit()
    # Each thread has its own app context and connection, as on several app servers.
    server = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 2 * LEARNERS})
    start = threading.Barrier(LEARNERS)

    def complete(auth: dict[str, str]) -> int:
        start.wait()
        return server.test_client().get(f"/api/v1/lessons/{lesson}", headers=auth).status_code

    with ThreadPoolExecutor(max_workers=LEARNERS) as pool:
        statuses = list(pool.map(complete, headers))
    with server.app_context():
        db.engine.dispose()
    assert statuses == [200] * LEARNERS
    numbers = db.session.scalars(select(Certificate.number)).all()
    assert sorted(n.rsplit("/", 1)[1] for n in numbers) == [f"{n:06d}" for n in range(1, LEARNERS + 1)]
    assert len(db.session.scalars(select(JpEntry.id)).all()) == LEARNERS
