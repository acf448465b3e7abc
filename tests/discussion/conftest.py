"""A course with discussions per lesson, its instructor, learners and people who may not take part."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from tests.coursetree import build_course
from tests.factories import csrf_from, load_content


@dataclass
class Forum:
    """DSK-1 (discussion per lesson, taught by ``guru``); DSK-2 (discussion off)."""

    course: Course
    lesson_id: int
    users: dict[str, User]


@pytest.fixture
def forum(app: Flask, tmp_path: Path, make_user: Callable[..., User]) -> Forum:
    build_course(tmp_path, "DSK-1", modules=1, lessons=2, quiz=False, instructors="[guru]", discussion="lessons")
    build_course(tmp_path, "DSK-2", modules=1, lessons=1, quiz=False, discussion="off")
    load_content(app, tmp_path)
    course = db.session.scalar(select(Course).where(Course.code == "DSK-1"))
    lesson = db.session.scalar(select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position))
    assert course is not None and lesson is not None
    users = {
        "siti": make_user("siti"),
        "budi": make_user("budi"),
        "tamu": make_user("tamu"),
        "menunggu": make_user("menunggu"),
        "guru": make_user("guru", role="instructor"),
        "koordinator": make_user("koordinator", role="coordinator", unit="Pemerintah Kota Sorong"),
        "admin": make_user("admin", role="admin", unit=None),
    }
    for name in ("siti", "budi"):
        db.session.add(Enrolment(user_id=users[name].id, course_id=course.id, status="active"))
    db.session.add(Enrolment(user_id=users["menunggu"].id, course_id=course.id, status="pending"))
    db.session.commit()
    return Forum(course, lesson, users)


def send(client: FlaskClient, path: str, data: dict[str, Any] | None = None, page: str = "/") -> Any:
    """POST a page form with a CSRF token (taken from ``page``)."""
    return client.post(path, data={"csrf_token": csrf_from(client, page), **(data or {})})
