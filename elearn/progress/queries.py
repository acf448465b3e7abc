"""Progress read models: catalogue cards with the learner's progress, done counts.

Aggregated in SQL: a fixed number of queries whatever the number of courses,
modules, lessons and enrolments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Result, Select, and_, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from elearn.accounts.models import Unit, User
from elearn.accounts.queries import within_units
from elearn.catalogue.models import Course, Lesson, Module
from elearn.catalogue.policy import Actor, sees_enrolments, sees_everyone, unit_in_scope
from elearn.catalogue.search import matching_course_ids
from elearn.catalogue.structure import CourseInfo, snapshot
from elearn.enrolment.models import CURRENT_STATUSES, Enrolment
from elearn.enrolment.policy import closed_because
from elearn.enrolment.services import enrolment_today
from elearn.errors import Forbidden, NotFound
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from elearn.progress.outline import Outline, outline_of, percent
from elearn.progress.state import EnrolmentState, learner_state
from elearn.quizzes.models import Quiz, QuizResult


@dataclass
class CourseSummary:
    """A catalogue card / API ``CourseSummary`` (plus its enrolment for links)."""

    course: Course | CourseInfo
    module_count: int = 0
    lesson_count: int = 0
    quiz_count: int = 0
    required_count: int = 0
    completed_count: int = 0
    enrolment: Enrolment | EnrolmentState | None = None
    closed_reason: str | None = None  # why self-enrolment is not possible today

    @classmethod
    def of_outline(
        cls, course: Course | CourseInfo, outline: Outline, enrolment: Enrolment | EnrolmentState | None
    ) -> CourseSummary:
        """The summary of one course from its outline (no extra query)."""
        return cls(
            course=course,
            module_count=len(outline.modules),
            lesson_count=sum(1 for item in outline.items if item.row.type == "lesson"),
            quiz_count=sum(1 for item in outline.items if item.row.type == "quiz"),
            required_count=outline.total_items,
            completed_count=outline.completed_items,
            enrolment=enrolment,
        )

    @property
    def enrolled(self) -> bool:
        """Only an active enrolment counts as enrolled."""
        return self.enrolment is not None and self.enrolment.status == "active"

    @property
    def progress_percent(self) -> int | None:
        """floor(100 × done / required) when enrolled, else None."""
        if not self.enrolled:
            return None
        return percent(self.completed_count, self.required_count)


def _required(optional_column: InstrumentedAttribute[bool]) -> ColumnElement[int]:
    """1 when an item counts towards progress (it and its module are not optional)."""
    return case((and_(optional_column.is_(False), Module.is_optional.is_(False)), 1), else_=0)


def _item_counts(model: type[Lesson] | type[Quiz], course_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per course: (live items, required items)."""
    rows: Result[int, int, int | None] = db.session.execute(
        select(model.course_id, func.count(), func.sum(_required(model.is_optional)))
        .join(Module, Module.id == model.module_id)
        .where(model.course_id.in_(course_ids), model.archived_at.is_(None), Module.archived_at.is_(None))
        .group_by(model.course_id)
    )
    return {course_id: (total, int(required or 0)) for course_id, total, required in rows}


def _done_query(model: type[Lesson] | type[Quiz]) -> Select[int, int, int]:
    """Per (user, course): required items of ``model`` done (lesson viewed, quiz passed)."""
    done: Select[int, int, int]
    if model is Lesson:
        done = select(LessonCompletion.user_id, Lesson.course_id, func.count()).join(
            Lesson, Lesson.id == LessonCompletion.lesson_id
        )
    else:
        done = (
            select(QuizResult.user_id, Quiz.course_id, func.count())
            .join(Quiz, Quiz.id == QuizResult.quiz_id)
            .where(QuizResult.is_passed.is_(True))
        )
    return (
        done.join(Module, Module.id == model.module_id)
        .where(model.archived_at.is_(None), Module.archived_at.is_(None), _required(model.is_optional) == 1)
        .group_by(done.selected_columns[0], model.course_id)
    )


def completed_counts(user_ids: Iterable[int], course_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """Required items done per (user, course), aggregated in SQL (two queries)."""
    users, courses = list(user_ids), list(course_ids)
    result: dict[tuple[int, int], int] = {}
    if not users or not courses:
        return result
    for model in (Lesson, Quiz):
        query = _done_query(model).where(model.course_id.in_(courses))
        column = LessonCompletion.user_id if model is Lesson else QuizResult.user_id
        rows: Result[int, int, int] = db.session.execute(query.where(column.in_(users)))
        for user_id, course_id, n in rows:
            result[(user_id, course_id)] = result.get((user_id, course_id), 0) + n
    return result


def required_totals(course_ids: list[int]) -> dict[int, int]:
    """Required items per course."""
    lessons, quizzes = _item_counts(Lesson, course_ids), _item_counts(Quiz, course_ids)
    return {cid: lessons.get(cid, (0, 0))[1] + quizzes.get(cid, (0, 0))[1] for cid in course_ids}


def course_summaries(
    user_id: int, *, q: str | None = None, competency: str | None = None, enrolled_only: bool = False
) -> list[CourseSummary]:
    """Live courses (filtered) with counts and the user's enrolment and progress: the cached course
    structure and one query for the user's own rows, whatever the number of courses (and one more
    for a search, ``q``: every word anywhere, see ``elearn.catalogue.search``)."""
    current = snapshot()
    state = learner_state(user_id)
    found = matching_course_ids(q) if q and q.strip() else None
    today = enrolment_today()
    summaries = []
    for structure in current.courses:
        course = structure.course
        enrolment = state.enrolments.get(course.id)
        if competency and course.competency != competency:
            continue
        if found is not None and course.id not in found:
            continue
        if enrolled_only and (enrolment is None or enrolment.status not in CURRENT_STATUSES):
            continue
        active = enrolment is not None and enrolment.status == "active"
        summaries.append(
            CourseSummary(
                course=course,
                module_count=len(structure.modules),
                lesson_count=structure.lesson_count,
                quiz_count=structure.quiz_count,
                required_count=structure.required_count,
                completed_count=structure.done_count(state.lessons_done, state.quizzes_passed) if active else 0,
                enrolment=enrolment,
                closed_reason=closed_because(course.enrolment, course.opens_on, course.closes_on, today),
            )
        )
    return summaries


#: Lessons ahead of where a learner continues that are kept for reading offline, per course.
OFFLINE_AHEAD = 3


def lessons_to_keep(user_id: int, ahead: int = OFFLINE_AHEAD) -> list[int]:
    """Per course the learner is actively enrolled in, the next ``ahead`` lessons they may open (not
    locked), from where they continue: what the service worker keeps for reading offline. The cached
    structure and one query, whatever the number of courses."""
    current = snapshot()
    state = learner_state(user_id)
    kept: list[int] = []
    for course_id, enrolment in state.enrolments.items():
        structure = current.by_id.get(course_id)
        if structure is None or enrolment.status != "active":
            continue
        items = outline_of(structure, state).items
        start = next((n for n, item in enumerate(items) if not item.completed and not item.locked), len(items))
        lessons = [item.row.id for item in items[start:] if item.row.type == "lesson" and not item.locked]
        kept.extend(lessons[:ahead])
    return kept


# --- the roster: a course's enrolments with progress ------------------------------------------------


@dataclass(frozen=True)
class EnrolmentRow:
    """One line of a course's enrolment list."""

    enrolment: Enrolment
    user: User
    progress_percent: int


@dataclass(frozen=True)
class EnrolmentPage:
    """A page of enrolments and the total that match."""

    items: list[EnrolmentRow]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class RosterFilter:
    """Which enrolments to list: a status, a unit (and the units below it), a name, username or NIP."""

    status: str | None = None
    unit: str | None = None
    q: str | None = None

    @property
    def is_set(self) -> bool:
        """Whether anything narrows the list."""
        return bool(self.status or self.unit or self.q)


def _visible_enrolments(actor: Actor, course: Course, unit: str | None = None) -> Select[Enrolment, User]:
    """The course's enrolments the actor may see (a coordinator: their units only), narrowed to
    ``unit`` and below when given (outside a coordinator's units: nobody)."""
    if not sees_enrolments(actor, course.instructors):
        raise Forbidden(_("Anda tidak berhak melihat peserta kursus ini."))
    query = select(Enrolment, User).join(User, User.id == Enrolment.user_id).where(Enrolment.course_id == course.id)
    everyone = sees_everyone(actor, course.instructors)
    if unit:
        return within_units(query, unit if everyone or unit_in_scope(actor.unit_path, unit) else None)
    return query if everyone else within_units(query, actor.unit_path)


def _search(query: Select[Enrolment, User], q: str) -> Select[Enrolment, User]:
    """People whose name holds ``q`` (case-insensitive), whose username is ``q``, or whose NIP starts with it."""
    needle = q.strip().lower()
    digits = "".join(needle.split())
    matches = [func.lower(User.name).contains(needle, autoescape=True), User.username == needle]
    if digits.isdigit():
        matches.append(User.nip.startswith(digits, autoescape=True))
    return query.where(or_(*matches))


def list_enrolments(
    actor: Actor,
    course: Course,
    *,
    status: str | None = None,
    page: int = 1,
    per_page: int = 50,
    unit: str | None = None,
    q: str | None = None,
    progress: bool = True,
) -> EnrolmentPage:
    """Enrolments of ``course`` the actor may see (a coordinator: their units only), filtered,
    oldest first, with progress aggregated in SQL (a fixed number of queries; two without ``progress``)."""
    query = _visible_enrolments(actor, course, unit)
    if status:
        query = query.where(Enrolment.status == status)
    if q and q.strip():
        query = _search(query, q)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(Enrolment.enrolled_at, Enrolment.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    if not progress:  # a list of requests: nobody in it has progress to show
        return EnrolmentPage([EnrolmentRow(e, user, 0) for e, user in rows], total, page, per_page)
    required = required_totals([course.id]).get(course.id, 0)
    done = completed_counts([user.id for _e, user in rows], [course.id])
    items = [EnrolmentRow(e, user, percent(done.get((user.id, course.id), 0), required)) for e, user in rows]
    return EnrolmentPage(items, total, page, per_page)


def roster_facets(actor: Actor, course: Course) -> tuple[dict[str, int], list[str]]:
    """For the roster's filters: how many visible enrolments have each status, and the units they
    come from (two queries)."""
    visible = _visible_enrolments(actor, course).subquery()
    rows = db.session.execute(select(visible.c.status, func.count()).group_by(visible.c.status))
    counts: dict[str, int] = {status: n for status, n in rows}
    units = db.session.scalars(
        select(Unit.path)
        .join(User, User.unit_id == Unit.id)
        .where(User.id.in_(select(visible.c.user_id)))
        .distinct()
        .order_by(Unit.path)
    )
    return counts, list(units)


@dataclass(frozen=True)
class Participant:
    """One learner of a course as their teachers see them: enrolment and the outline with their marks."""

    user: User
    enrolment: Enrolment
    outline: Outline


def participant(actor: Actor, course: Course, username: str) -> Participant:
    """The enrolment of ``username`` with which lessons and quizzes they have done (cached structure
    and two queries). Someone the actor may not see (a coordinator: outside their units) is 404."""
    query = _visible_enrolments(actor, course).where(User.username == username.strip().lower())
    found = db.session.execute(query).first()
    structure = snapshot().by_id.get(course.id)
    if found is None or structure is None:
        raise NotFound(_("Peserta tidak ditemukan."))
    enrolment, user = found
    outline = outline_of(structure, learner_state(user.id, course.id))
    return Participant(user, enrolment, outline)
