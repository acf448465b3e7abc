""" "Once" holds under concurrent requests: one enrolment, one completion signal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.core.time import now
from elearn.enrolment import services as enrolment_services
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.outline import compute_outline
from elearn.progress.services import record_completion
from elearn.signals import course_completed
from tests.coursetree import build_course
from tests.factories import load_content


@pytest.fixture
def course(app: Flask, tmp_path: Path) -> Course:
    build_course(tmp_path, "RACE-1", modules=1, lessons=1, quiz=False)
    load_content(app, tmp_path)
    found = db.session.scalar(select(Course).where(Course.code == "RACE-1"))
    assert found is not None
    return found


def test_an_enrolment_written_by_a_concurrent_request_is_returned_not_duplicated(
    course: Course, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    learner = make_user("siti")
    # The other request enrolled her between our check and our insert.
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id, status="active"))
    db.session.commit()
    real = enrolment_services.enrolment_of
    calls: list[int] = []

    def not_yet_then_real(user_id: int, course_id: int) -> Enrolment | None:
        calls.append(user_id)
        return None if len(calls) == 1 else real(user_id, course_id)

    monkeypatch.setattr(enrolment_services, "enrolment_of", not_yet_then_real)
    enrolment, created = enrolment_services.enrol(learner, course)
    db.session.commit()
    assert created is False
    assert enrolment.status == "active"
    count = db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.user_id == learner.id))
    assert count == 1


def test_completion_is_recorded_and_announced_once_even_when_another_request_was_first(
    course: Course, make_user: Callable[..., User]
) -> None:
    learner = make_user("siti")
    enrolment = Enrolment(user_id=learner.id, course_id=course.id, status="active")
    db.session.add(enrolment)
    db.session.commit()
    complete = compute_outline([], [], set(), sequential=True)  # nothing required: complete
    received: list[Any] = []

    def receiver(sender: Enrolment, **_extra: Any) -> None:
        received.append(sender)

    with course_completed.connected_to(receiver):
        # Another request completed the course after we loaded the enrolment.
        db.session.execute(
            update(Enrolment).where(Enrolment.id == enrolment.id).values(completed_at=now()),
            execution_options={"synchronize_session": False},
        )
        assert record_completion(enrolment, complete) is False
        assert received == []
        assert enrolment.completed_at is not None
        other = make_user("budi")
        second = Enrolment(user_id=other.id, course_id=course.id, status="active")
        db.session.add(second)
        db.session.flush()
        assert record_completion(second, complete) is True
        assert record_completion(second, complete) is False
    assert received == [second]
