"""Read-only enrolment lists for instructors, coordinators and admins (the roster with progress
is in ``progress.queries``, above both)."""

from __future__ import annotations

from typing import TypeVarTuple

from sqlalchemy import Select, func, select

from elearn.accounts.models import User
from elearn.accounts.queries import within_units
from elearn.catalogue.models import Course
from elearn.catalogue.policy import Actor, sees_enrolments, sees_everyone
from elearn.enrolment.models import Enrolment
from elearn.extensions import db

Ts = TypeVarTuple("Ts")


def _within_units(query: Select[*Ts], actor: Actor) -> Select[*Ts]:
    """Only people of the actor's unit and the units below it (``query`` selects from users)."""
    return within_units(query, actor.unit_path)


def decision_reason(enrolment_id: int) -> str | None:
    """Why an enrolment was rejected (shown to its learner), one query."""
    return db.session.scalar(select(Enrolment.decision_reason).where(Enrolment.id == enrolment_id))


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
