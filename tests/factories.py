"""Factory fixtures: callables with sensible defaults."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts import hashing
from elearn.accounts.models import User
from elearn.accounts.services import ensure_unit, issue_token, start_web_session
from elearn.catalogue.models import Course, Lesson
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.quizzes.models import Quiz

PASSWORD = "kata-sandi-uji-2026"
_serial = itertools.count(1)


def _nip_for(serial: int) -> str:
    # Vary the birth day and serial so thousands of users get distinct NIPs.
    day = 1 + serial % 28
    return f"198503{day:02d}2010011{serial % 1000:03d}"


def create_user(
    username: str | None = None,
    *,
    role: str = "learner",
    unit: str | None = "Pemerintah Kota Sorong/Dinas Kesehatan",
    password: str = PASSWORD,
    must_change_password: bool = False,
    nip: str | None = None,
    name: str | None = None,
    **fields: Any,
) -> User:
    """A committed User (needs an app context); uses the fast hash so tests stay quick."""
    serial = next(_serial)
    username = username or f"user{serial}"
    user = User(
        username=username,
        name=name or username.title(),
        role=role,
        nip=nip if nip is not None else (_nip_for(serial) if role == "learner" else None),
        password_hash=hashing.hash_generated_password(password),
        must_change_password=must_change_password,
        unit=ensure_unit(unit) if unit else None,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """``make_user(username=..., role=..., unit=..., password=...)`` -> a committed User.

    Uses the fast hash so tests stay quick; sign-in works the same.
    """
    return create_user


@pytest.fixture
def token_for(app: Flask) -> Callable[[User], dict[str, str]]:
    """``token_for(user)`` -> the Authorization header of a fresh bearer token."""

    def make(user: User) -> dict[str, str]:
        token, _row = issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def login(app: Flask) -> Callable[[FlaskClient, User], None]:
    """``login(client, user)`` signs the client in (without a form post)."""

    def sign_in(client: FlaskClient, user: User) -> None:
        token = start_web_session(user)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True

    return sign_in


@dataclass
class Scenario:
    """One course world: a course with a learner, an instructor and a coordinator of a parent unit,
    plus the people each access rule must tell apart."""

    users: dict[str, User]
    course: Course
    approval_course: Course
    first_lesson_id: int
    content_dir: Path
    quiz_id: int


SORONG = "Pemerintah Kota Sorong"
DINKES = f"{SORONG}/Dinas Kesehatan"
MANOKWARI = "Pemerintah Kabupaten Manokwari/Dinas Pendidikan"


def load_content(app: Flask, path: Path) -> str:
    """Run ``elearn content load PATH``; returns its output (fails the test on error)."""
    result = app.test_cli_runner().invoke(args=["content", "load", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def scenario(app: Flask, make_user: Callable[..., User], tmp_path: Path) -> Scenario:
    """TST-1 (open, sequential, 2 modules × 2 lessons + a quiz, taught by ``guru``),
    TST-2 (taught by ``guru2``), TST-A (approval, taught by ``guru``, ``learner`` pending)."""
    return build_scenario(app, tmp_path)


def build_scenario(app: Flask, tmp_path: Path, quiz: str | None = None) -> Scenario:
    """The ``scenario`` fixture's world, built in ``tmp_path`` (TST-1's quiz replaced by ``quiz`` if given)."""
    from tests.coursetree import build_course

    make_user = create_user
    folder = build_course(tmp_path, "TST-1", instructors="[guru]")
    if quiz is not None:
        (folder / "01-modul-1" / "03-kuis.quiz.md").write_text(quiz, encoding="utf-8")
    build_course(tmp_path, "TST-2", instructors="[guru2]", modules=1)
    build_course(tmp_path, "TST-A", instructors="[guru]", enrolment="approval", modules=1)
    load_content(app, tmp_path)
    users = {
        "learner_enrolled": make_user("peserta", unit=DINKES),
        "learner_not_enrolled": make_user("tamu", unit=DINKES),
        "learner_other_unit": make_user("jauh", unit=MANOKWARI),
        "instructor": make_user("guru", role="instructor", unit=SORONG),
        "instructor_other": make_user("guru2", role="instructor", unit=SORONG),
        "coordinator": make_user("koordinator", role="coordinator", unit=SORONG),
        "coordinator_other": make_user("koordinator2", role="coordinator", unit=MANOKWARI.split("/")[0]),
        "admin": make_user("admin", role="admin", unit=None),
    }
    course = db.session.scalar(select(Course).where(Course.code == "TST-1"))
    approval = db.session.scalar(select(Course).where(Course.code == "TST-A"))
    assert course is not None and approval is not None
    db.session.add(Enrolment(user_id=users["learner_enrolled"].id, course_id=course.id, status="active"))
    db.session.add(Enrolment(user_id=users["learner_enrolled"].id, course_id=approval.id, status="pending"))
    db.session.commit()
    first = db.session.scalar(
        select(Lesson.id).where(Lesson.course_id == course.id, Lesson.key == "modul-1/pelajaran-1")
    )
    assert first is not None
    quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.course_id == course.id))
    assert quiz_id is not None
    return Scenario(users, course, approval, first, tmp_path, quiz_id)


def csrf_from(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on the page at ``url``."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)
