"""Progress use cases: view a lesson (which completes it), record course completion once.

Completion is recorded once, with its time, and never reverted: nothing here
(or in a content load) clears ``Enrolment.completed_at``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, update
from sqlalchemy.orm.attributes import set_committed_value

from elearn.accounts.models import User
from elearn.catalogue.models import Lesson
from elearn.core.database import insert_ignoring_duplicates
from elearn.core.time import now
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.access import CourseAccess, open_item
from elearn.progress.models import LessonCompletion
from elearn.progress.outline import Outline, OutlineItem, OutlineModule
from elearn.signals import course_completed


@dataclass(frozen=True)
class Progress:
    """A caller's progress in a course (api.md "Lessons and progress")."""

    percent: int
    completed_items: int
    total_items: int
    completed_at: dt.datetime | None

    @property
    def completed(self) -> bool:
        """Completion is recorded once and never reverts."""
        return self.completed_at is not None


def continue_item(access: CourseAccess) -> OutlineItem | None:
    """Where a learner continues: the first unlocked item not done yet (None: not learning, or done)."""
    return access.outline.next_to_do() if access.is_learning else None


def progress_of(access: CourseAccess) -> Progress:
    """Progress from an access: zero done when not (actively) enrolled."""
    outline, learning = access.outline, access.is_learning
    completed_at = access.enrolment.completed_at if access.enrolment is not None else None
    return Progress(
        percent=outline.percent if learning else 0,
        completed_items=outline.completed_items if learning else 0,
        total_items=outline.total_items,
        completed_at=completed_at,
    )


@dataclass
class LessonView:
    """What a lesson page or the lesson API shows."""

    lesson: Lesson
    access: CourseAccess
    module: OutlineModule
    item: OutlineItem
    previous: OutlineItem | None
    next: OutlineItem | None


def view_lesson(user: User, lesson_id: int) -> LessonView:
    """Open a lesson; for an enrolled learner this records it as completed."""
    opened = open_item(user, Lesson, lesson_id, _("Pelajaran tidak ditemukan."))
    lesson, access, module, item = opened.row, opened.access, opened.module, opened.item
    if access.is_learning and not module.locked:
        _record_lesson(user, lesson, access, item)
    previous, following = access.outline.neighbours(item)
    return LessonView(lesson, access, module, item, previous, following)


def _record_lesson(user: User, lesson: Lesson, access: CourseAccess, item: OutlineItem) -> None:
    assert access.enrolment is not None  # noqa: S101 - is_learning
    moment = now()
    if not item.completed:
        insert_ignoring_duplicates(
            LessonCompletion, {"user_id": user.id, "lesson_id": lesson.id, "completed_at": moment}
        )
        item.completed = True
        access.outline.apply_locks()
    access.enrolment.last_lesson_id = lesson.id
    access.enrolment.last_activity_at = moment
    record_completion(access.enrolment, access.outline)
    db.session.flush()


def record_completion(enrolment: Enrolment, outline: Outline) -> bool:
    """Record the course complete, once, if every required item is done; whether it happened now.

    A conditional UPDATE makes "once" hold under concurrent requests: only the
    request that sets ``completed_at`` sends ``course_completed``.
    """
    if enrolment.completed_at is not None or not outline.is_complete:
        return False
    moment = now()
    result = db.session.execute(
        update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=moment)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        db.session.refresh(enrolment, ["completed_at"])
        return False
    set_committed_value(enrolment, "completed_at", moment)
    course_completed.send(enrolment)
    return True
