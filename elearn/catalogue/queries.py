"""Read-only catalogue queries."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.accounts.roles import ROLES
from elearn.catalogue.models import Course
from elearn.catalogue.structure import snapshot
from elearn.errors import NotFound
from elearn.extensions import db


def roles_of(user: User) -> list[str]:
    """Every role ``user`` holds: learner always, their granted role, and
    instructor when a course names them."""
    held = {"learner", user.role}
    if "instructor" not in held and snapshot().teaches_any(user.username):
        held.add("instructor")
    return [role for role in ROLES if role in held]


def teaches_a_course(username: str) -> bool:
    """Whether a live course names ``username`` among its instructors (the cached structure: no query)."""
    return snapshot().teaches_any(username)


def live_course(code: str) -> Course:
    """The non-archived course ``code``, else ``NotFound``."""
    course = db.session.scalar(select(Course).where(Course.code == code, Course.archived_at.is_(None)))
    if course is None:
        raise NotFound(_("Kursus tidak ditemukan."))
    return course
