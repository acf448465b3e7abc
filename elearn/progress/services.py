"""Progress use cases: view a lesson (which completes it), record course completion once.

Completion is recorded once, with its time, and never reverted: nothing here
(or in a content load) clears ``Enrolment.completed_at``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm.attributes import set_committed_value

from elearn.accounts.models import User
from elearn.catalogue.models import Lesson
from elearn.core.database import insert_ignoring_duplicates
from elearn.core.revisions import CONTENT, current
from elearn.core.time import now
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.access import CourseAccess, open_item
from elearn.progress.models import LessonCompletion
from elearn.progress.outline import Outline, OutlineItem, OutlineModule
from elearn.progress.state import EnrolmentState
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


@dataclass(frozen=True)
class LessonPage:
    """A lesson's content as its page and the API show it."""

    id: int
    slug: str
    title: str
    minutes: int
    html: str


@dataclass
class LessonView:
    """What a lesson page or the lesson API shows."""

    lesson: LessonPage
    access: CourseAccess
    module: OutlineModule
    item: OutlineItem
    previous: OutlineItem | None
    next: OutlineItem | None


#: Lesson bodies by (content revision, lesson id): a load that changes anything starts afresh.
_BODY_BUDGET = 64 * 1024 * 1024  # characters kept per process
_bodies: OrderedDict[tuple[int, int], str] = OrderedDict()
_bodies_size = 0
_bodies_lock = threading.Lock()


def lesson_body(lesson_id: int) -> str:
    """A live lesson's sanitised HTML, from this process's cache or one query."""
    global _bodies_size
    key = (current(CONTENT), lesson_id)
    with _bodies_lock:
        found = _bodies.get(key)
        if found is not None:
            _bodies.move_to_end(key)
            return found
    html = db.session.scalar(select(Lesson.html).where(Lesson.id == lesson_id)) or ""
    with _bodies_lock:
        if key not in _bodies:
            _bodies[key] = html
            _bodies_size += len(html)
        while _bodies_size > _BODY_BUDGET and len(_bodies) > 1:
            _old, evicted = _bodies.popitem(last=False)
            _bodies_size -= len(evicted)
    return html


LESSON_NOT_FOUND = _l("Pelajaran tidak ditemukan.")


def view_lesson(user: User, lesson_id: int, *, record: bool = True) -> LessonView:
    """Open a lesson; for an enrolled learner this records it as completed (unless ``record`` is
    false: a copy fetched ahead for reading offline, recorded when it is read)."""
    opened = open_item(user, "lesson", lesson_id, LESSON_NOT_FOUND)
    access, module, item = opened.access, opened.module, opened.item
    row = item.row
    if record and access.is_learning and not module.locked:
        _record_lesson(user, row.id, access, item)
    previous, following = access.outline.neighbours(item)
    page = LessonPage(row.id, row.slug, row.title, row.minutes or 1, lesson_body(row.id))
    return LessonView(page, access, module, item, previous, following)


#: A re-read of the lesson a learner is already on writes nothing unless this much time has passed.
ACTIVITY_RESOLUTION = dt.timedelta(minutes=10)


def _record_lesson(user: User, lesson_id: int, access: CourseAccess, item: OutlineItem) -> None:
    """Record the view: completed once; where the learner is and when they were last active.

    A second view of the lesson the learner is already on writes nothing (within
    ``ACTIVITY_RESOLUTION``): re-reading must not cost a write per request.
    """
    enrolment = access.enrolment
    assert enrolment is not None  # noqa: S101 - is_learning
    moment = now()
    first_view = not item.completed
    if first_view:
        insert_ignoring_duplicates(
            LessonCompletion, {"user_id": user.id, "lesson_id": lesson_id, "completed_at": moment}
        )
        item.completed = True
        access.outline.apply_locks()
        if access.state is not None:
            access.state.lessons_done.add(lesson_id)
    recent = enrolment.last_activity_at is not None and moment - enrolment.last_activity_at < ACTIVITY_RESOLUTION
    if first_view or enrolment.last_lesson_id != lesson_id or not recent:
        db.session.execute(
            update(Enrolment)
            .where(Enrolment.id == enrolment.id)
            .values(last_lesson_id=lesson_id, last_activity_at=moment)
            .execution_options(synchronize_session=False)
        )
        enrolment.last_lesson_id, enrolment.last_activity_at = lesson_id, moment
    if first_view:
        record_completion(enrolment, access.outline)


def record_completion(enrolment: Enrolment | EnrolmentState, outline: Outline) -> bool:
    """Record the course complete, once, if every required item is done; whether it happened now.

    A conditional UPDATE makes "once" hold under concurrent requests: only the
    request that sets ``completed_at`` sends ``course_completed`` (with the ``Enrolment``).
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
    row = enrolment if isinstance(enrolment, Enrolment) else db.session.get(Enrolment, enrolment.id)
    if cast(CursorResult[Any], result).rowcount != 1:
        if row is not None:
            db.session.refresh(row, ["completed_at"])
            enrolment.completed_at = row.completed_at
        return False
    enrolment.completed_at = moment
    if row is not None:
        set_committed_value(row, "completed_at", moment)
        course_completed.send(row)
    return True
