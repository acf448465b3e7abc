"""Enrolments: a learner in a course, active or pending approval."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.core.models import Base, IdMixin
from elearn.core.time import now

STATUSES = ("active", "pending")


class Enrolment(IdMixin, Base):
    """A learner's enrolment. ``completed_at`` is set once, when the course is
    first complete, and never cleared."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index("ix_enrolments_course_id_status", "course_id", "status"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    status: Mapped[str] = mapped_column(String(10), default="active")
    enrolled_at: Mapped[dt.datetime] = mapped_column(default=now)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[dt.datetime | None]
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    last_activity_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
