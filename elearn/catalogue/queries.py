"""Read-only catalogue queries."""

from __future__ import annotations

from sqlalchemy import exists, select

from elearn.accounts.models import ROLES, User
from elearn.catalogue.models import CourseInstructor
from elearn.extensions import db


def roles_of(user: User) -> list[str]:
    """Every role ``user`` holds: learner always, their granted role, and
    instructor when a course names them."""
    held = {"learner", user.role}
    if "instructor" not in held:
        named = db.session.scalar(select(exists().where(CourseInstructor.username == user.username)))
        if named:
            held.add("instructor")
    return [role for role in ROLES if role in held]
