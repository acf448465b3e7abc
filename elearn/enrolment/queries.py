"""Read-only enrolment lists for instructors, coordinators and admins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVarTuple

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from elearn.accounts.models import User
from elearn.accounts.queries import within_unit_tree
from elearn.catalogue.models import Course
from elearn.catalogue.policy import Actor, sees_enrolments, sees_everyone
from elearn.enrolment.models import Enrolment
from elearn.errors import Forbidden
from elearn.extensions import db
from elearn.progress.outline import percent
from elearn.progress.queries import completed_counts, required_totals

Ts = TypeVarTuple("Ts")


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


def _within_units(query: Select[*Ts], actor: Actor) -> Select[*Ts]:
    """Only people of the actor's unit and the units below it (``query`` selects from users);
    a coordinator without a unit sees nobody."""
    return within_unit_tree(query, actor.unit_path)


def list_enrolments(
    actor: Actor, course: Course, *, status: str | None = None, page: int = 1, per_page: int = 50
) -> EnrolmentPage:
    """Enrolments of ``course`` the actor may see (a coordinator: their units only),
    oldest first, with progress aggregated in SQL."""
    if not sees_enrolments(actor, course.instructors):
        raise Forbidden(_("Anda tidak berhak melihat peserta kursus ini."))
    query = select(Enrolment, User).join(User, User.id == Enrolment.user_id).where(Enrolment.course_id == course.id)
    if status:
        query = query.where(Enrolment.status == status)
    if not sees_everyone(actor, course.instructors):
        query = _within_units(query, actor)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(Enrolment.enrolled_at, Enrolment.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    required = required_totals([course.id]).get(course.id, 0)
    done = completed_counts([user.id for _e, user in rows], [course.id])
    items = [EnrolmentRow(e, user, percent(done.get((user.id, course.id), 0), required)) for e, user in rows]
    return EnrolmentPage(items, total, page, per_page)


def managed_courses(actor: Actor) -> list[tuple[Course, int, int]]:
    """Live courses whose enrolments ``actor`` may see, with the (active, pending) counts
    of the people they may see (a coordinator: their units only)."""
    courses = [
        course
        for course in db.session.scalars(select(Course).where(Course.archived_at.is_(None)).order_by(Course.title))
        if sees_enrolments(actor, course.instructors)
    ]
    everyone = [c.id for c in courses if sees_everyone(actor, c.instructors)]
    scoped = [c.id for c in courses if c.id not in set(everyone)]
    counts: dict[tuple[int, str], int] = {}
    for ids, limit in ((everyone, False), (scoped, True)):
        if not ids:
            continue
        query = (
            select(Enrolment.course_id, Enrolment.status, func.count())
            .join(User, User.id == Enrolment.user_id)
            .where(Enrolment.course_id.in_(ids))
            .group_by(Enrolment.course_id, Enrolment.status)
        )
        for course_id, status, n in db.session.execute(_within_units(query, actor) if limit else query):
            counts[(course_id, status)] = n
    return [(c, counts.get((c.id, "active"), 0), counts.get((c.id, "pending"), 0)) for c in courses]
