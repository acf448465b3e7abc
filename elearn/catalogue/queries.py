"""Read-only catalogue queries."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, select

from elearn.accounts.models import User
from elearn.accounts.roles import ROLES
from elearn.catalogue.models import Course, CourseInstructor
from elearn.errors import NotFound
from elearn.extensions import db


def roles_of(user: User) -> list[str]:
    """Every role ``user`` holds: learner always, their granted role, and
    instructor when a course names them."""
    held = {"learner", user.role}
    if "instructor" not in held and teaches_a_course(user.username):
        held.add("instructor")
    return [role for role in ROLES if role in held]


def teaches_a_course(username: str) -> bool:
    """Whether any course names ``username`` among its instructors (one indexed query)."""
    return bool(db.session.scalar(select(exists().where(CourseInstructor.username == username))))


def live_course(code: str) -> Course:
    """The non-archived course ``code``, else ``NotFound``."""
    course = db.session.scalar(select(Course).where(Course.code == code, Course.archived_at.is_(None)))
    if course is None:
        raise NotFound(_("Kursus tidak ditemukan."))
    return course
