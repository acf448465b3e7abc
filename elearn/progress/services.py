"""Progress use cases: view a lesson (which completes it), record course completion once.

Completion is recorded once, with its time, and never reverted: nothing here
(or in a content load) clears ``Enrolment.completed_at``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm.attributes import set_committed_value

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.catalogue.policy import reads_any_lesson
from elearn.core.database import insert_ignoring_duplicates
from elearn.core.time import now
from elearn.enrolment.models import Enrolment
from elearn.enrolment.services import actor_of, closed_reason, enrolment_of
from elearn.errors import Forbidden, NotFound
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from elearn.progress.outline import Outline, OutlineItem, OutlineModule, load_outline
from elearn.quizzes.models import Quiz
from elearn.signals import course_completed


@dataclass
class CourseAccess:
    """A course as one user may use it: their enrolment and outline."""

    course: Course
    enrolment: Enrolment | None
    outline: Outline
    is_staff: bool  # instructor of it, coordinator or admin: reads without enrolling

    @property
    def is_learning(self) -> bool:
        """An active enrolment: progress is recorded and locks apply."""
        return self.enrolment is not None and self.enrolment.status == "active"

    @property
    def closed_reason(self) -> str | None:
        """Why the caller cannot enrol themselves today (None: they can)."""
        return closed_reason(self.course)


def course_access(user: User, course: Course) -> CourseAccess:
    """The user's enrolment and outline of ``course`` (outline marks only when enrolled)."""
    enrolment = enrolment_of(user.id, course.id)
    learning = enrolment is not None and enrolment.status == "active"
    outline = load_outline(course, user.id if learning else None)
    if not learning:
        outline.clear_marks()
    staff = reads_any_lesson(actor_of(user), course.instructors)
    return CourseAccess(course, enrolment, outline, staff)


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


class ItemLocked(Forbidden):
    """The item's module waits for an earlier required module (``blocker``)."""

    code = "locked"

    def __init__(self, access: CourseAccess, module: OutlineModule) -> None:
        blocker = module.blocker
        title = blocker.row.title if blocker is not None else ""
        super().__init__(_('Modul ini masih terkunci. Selesaikan dahulu modul "%(title)s".', title=title))
        self.access = access
        self.blocker = blocker


def check_item_open(access: CourseAccess, module: OutlineModule) -> None:
    """Refuse an item the user may not open: not enrolled, pending, or locked."""
    if access.is_learning:
        if module.locked and not access.is_staff:
            raise ItemLocked(access, module)
        return
    if access.is_staff:
        return
    if access.enrolment is not None and access.enrolment.status == "pending":
        raise Forbidden(_("Pendaftaran Anda masih menunggu persetujuan."), code="enrolment_pending")
    raise Forbidden(_("Anda belum terdaftar di kursus ini."), code="not_enrolled")


Row = TypeVar("Row", Lesson, Quiz)
MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one cannot exist (and would overflow the query)


def _open_item(
    user: User, model: type[Row], item_id: int, not_found: str
) -> tuple[Row, CourseAccess, OutlineModule, OutlineItem]:
    """A live lesson or quiz the user may open, with its place in the course (else 404 / 403)."""
    if not 0 < item_id <= MAX_ID:
        raise NotFound(not_found)
    found = db.session.execute(
        select(model, Course)
        .join(Course, Course.id == model.course_id)
        .where(model.id == item_id, model.archived_at.is_(None), Course.archived_at.is_(None))
    ).first()
    if found is None:
        raise NotFound(not_found)
    row, course = found
    access = course_access(user, course)
    located = access.outline.find("lesson" if model is Lesson else "quiz", row.id)
    if located is None:  # its module was archived
        raise NotFound(not_found)
    check_item_open(access, located[0])
    return row, access, located[0], located[1]


def view_lesson(user: User, lesson_id: int) -> LessonView:
    """Open a lesson; for an enrolled learner this records it as completed."""
    lesson, access, module, item = _open_item(user, Lesson, lesson_id, _("Pelajaran tidak ditemukan."))
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


@dataclass
class QuizView:
    """What a quiz's summary page shows."""

    quiz: Quiz
    access: CourseAccess
    module: OutlineModule
    item: OutlineItem


def view_quiz(user: User, quiz_id: int) -> QuizView:
    """Open a live quiz's summary (the same access rules as a lesson; nothing is recorded)."""
    return QuizView(*_open_item(user, Quiz, quiz_id, _("Kuis tidak ditemukan.")))
