"""A course with a required feedback survey, a pretest and a posttest, and people around it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.core.time import now
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from tests.coursetree import build_course, write
from tests.factories import load_content

SORONG = "Pemerintah Kota Sorong"
DINKES = f"{SORONG}/Dinas Kesehatan"
DISDIK = f"{SORONG}/Dinas Pendidikan"

SURVEY = """\
---
title: Umpan balik pelatihan
required: true
---
Jawaban Anda anonim.

## Materi relevan dengan pekerjaan saya. {type=likert id=relevansi}

## Bagian yang paling berguna {id=bagian}

- Modul 1
- Modul 2

## Metode yang disukai {multiple optional id=metode}

- Video
- Bacaan
- Diskusi

## Saran {type=text id=saran}
"""


@dataclass
class World:
    """EVA-1 (one module, one lesson, a required survey; taught by ``guru``) and its people."""

    course: Course
    folder: Path
    instructor: User
    coordinator: User
    users: dict[str, User]

    def items(self) -> dict[str, int]:
        """Survey item ids by their author id."""
        from elearn.evaluation.models import SurveyItem

        rows = db.session.execute(select(SurveyItem.key, SurveyItem.id)).all()
        return {key.removeprefix("id:"): item_id for key, item_id in rows}


@pytest.fixture
def world(app: Flask, tmp_path: Path, make_user: Callable[..., User]) -> World:
    folder = build_course(tmp_path, "EVA-1", modules=1, lessons=1, quiz=False, instructors="[guru]")
    write(folder / "umpan-balik.survey.md", SURVEY)
    load_content(app, tmp_path)
    course = db.session.scalar(select(Course).where(Course.code == "EVA-1"))
    assert course is not None
    return World(
        course=course,
        folder=folder,
        instructor=make_user("guru", role="instructor", unit=SORONG),
        coordinator=make_user("koordinator", role="coordinator", unit=SORONG),
        users={},
    )


@pytest.fixture
def completed_learner(world: World, make_user: Callable[..., User]) -> Callable[..., User]:
    """``completed_learner(name, unit=...)``: an active learner whose EVA-1 is complete."""

    def make(name: str, unit: str = DINKES) -> User:
        user = make_user(name, unit=unit)
        db.session.add(Enrolment(user_id=user.id, course_id=world.course.id, status="active", completed_at=now()))
        db.session.commit()
        world.users[name] = user
        return user

    return make


def answers(
    world: World, *, likert: str = "4", part: str = "0", methods: tuple[str, ...] = ("1",), text: str = ""
) -> dict[str, list[str]]:
    """A survey form body."""
    ids = world.items()
    return {
        f"item-{ids['relevansi']}": [likert],
        f"item-{ids['bagian']}": [part],
        f"item-{ids['metode']}": list(methods),
        f"item-{ids['saran']}": [text],
    }


def post_survey(client: FlaskClient, code: str, body: dict[str, list[str]]) -> object:
    """POST the survey form with the page's CSRF token."""
    from tests.factories import csrf_from

    token = csrf_from(client, f"/courses/{code}/survey")
    return client.post(f"/courses/{code}/survey", data={"csrf_token": token, **body})
