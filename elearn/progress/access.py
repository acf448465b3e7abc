"""May this user open this item? One path for lessons and quizzes, pages and API alike.

A course as one user may use it (``CourseAccess``: their enrolment and outline),
and the rule for opening an item of it: enrolled learners open unlocked items,
staff (instructors of the course, coordinators, admins) open any, and everyone
else is told why not (``not_enrolled``, ``enrolment_pending``, ``locked``).
The quiz engine and the lesson views both build on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.catalogue.policy import reads_any_lesson
from elearn.catalogue.structure import CourseInfo, CourseStructure, snapshot
from elearn.enrolment.services import actor_of, closed_reason
from elearn.errors import Forbidden, NotFound
from elearn.progress.outline import Outline, OutlineItem, OutlineModule, outline_of
from elearn.progress.state import EnrolmentState, LearnerState, learner_state


@dataclass
class CourseAccess:
    """A course as one user may use it: its cached structure, their enrolment, state and outline."""

    course: CourseInfo
    enrolment: EnrolmentState | None
    outline: Outline
    is_staff: bool  # instructor of it, coordinator or admin: reads without enrolling
    structure: CourseStructure | None = None
    state: LearnerState | None = None

    @property
    def is_learning(self) -> bool:
        """An active enrolment: progress is recorded and locks apply."""
        return self.enrolment is not None and self.enrolment.status == "active"

    @property
    def closed_reason(self) -> str | None:
        """Why the caller cannot enrol themselves today (None: they can)."""
        return closed_reason(self.course)


def course_access(user: User, course: Course | CourseInfo | CourseStructure) -> CourseAccess:
    """The user's enrolment and outline of a live course (outline marks only when enrolled): the
    cached structure and one query for the user's own progress in it."""
    structure = course if isinstance(course, CourseStructure) else snapshot().by_id.get(course.id)
    if structure is None:
        raise NotFound(_("Kursus tidak ditemukan."))
    state = learner_state(user.id, structure.course.id)
    enrolment = state.enrolments.get(structure.course.id)
    learning = enrolment is not None and enrolment.status == "active"
    outline = outline_of(structure, state if learning else None)
    if not learning:
        outline.clear_marks()
    staff = reads_any_lesson(actor_of(user), structure.course.instructors)
    return CourseAccess(structure.course, enrolment, outline, staff, structure, state)


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


MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one cannot exist (and would overflow the query)


@dataclass
class OpenItem:
    """A live lesson or quiz the user may open, with its place in the course."""

    access: CourseAccess
    module: OutlineModule
    item: OutlineItem

    @property
    def id(self) -> int:
        """The lesson's or quiz's id."""
        return self.item.row.id


def open_item(user: User, item_type: str, item_id: int, not_found: str | LazyString) -> OpenItem:
    """A live lesson or quiz (``item_type``) the user may open (else 404 ``not_found``, or the 403 of
    ``check_item_open``), found in the cached structure: no query but the user's own progress."""
    current = snapshot()
    index = current.course_of_lesson if item_type == "lesson" else current.course_of_quiz
    course_id = index.get(item_id) if 0 < item_id <= MAX_ID else None
    if course_id is None:
        raise NotFound(not_found)
    access = course_access(user, current.by_id[course_id])
    located = access.outline.find(item_type, item_id)
    if located is None:
        raise NotFound(not_found)
    check_item_open(access, located[0])
    return OpenItem(access, located[0], located[1])
