"""May this user open this item? One path for lessons and quizzes, pages and API alike.

A course as one user may use it (``CourseAccess``: their enrolment and outline),
and the rule for opening an item of it: enrolled learners open unlocked items,
staff (instructors of the course, coordinators, admins) open any, and everyone
else is told why not (``not_enrolled``, ``enrolment_pending``, ``locked``).
The quiz engine and the lesson views both build on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.catalogue.policy import reads_any_lesson
from elearn.enrolment.models import Enrolment
from elearn.enrolment.services import actor_of, closed_reason, enrolment_of
from elearn.errors import Forbidden, NotFound
from elearn.extensions import db
from elearn.progress.outline import Outline, OutlineItem, OutlineModule, load_outline
from elearn.quizzes.models import Quiz


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


@dataclass
class OpenItem(Generic[Row]):
    """A live lesson or quiz the user may open, with its place in the course."""

    row: Row
    access: CourseAccess
    module: OutlineModule
    item: OutlineItem


def open_item(user: User, model: type[Row], item_id: int, not_found: str) -> OpenItem[Row]:
    """A live lesson or quiz the user may open (else 404 ``not_found``, or the 403 of ``check_item_open``)."""
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
    return OpenItem(row, access, located[0], located[1])
