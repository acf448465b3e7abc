"""Enrolments: a learner in a course, active or pending approval, or ended (rejected, withdrawn, unenrolled).

An enrolment row is never deleted: an ended one keeps ``completed_at`` and the learner's progress
(lesson completions and quiz results are keyed by user and item, not by enrolment), so all of it
comes back when the person is enrolled again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.core.models import Base, IdMixin
from elearn.core.time import now

STATUSES = ("active", "pending", "rejected", "withdrawn", "unenrolled")
CURRENT_STATUSES = ("active", "pending")  # the others have ended: the person is not in the course
ENDED_STATUSES = ("rejected", "withdrawn", "unenrolled")
MAX_REASON = 500  # characters of a learner's request reason or an approver's rejection reason


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
    # Why the learner asks to join an approval course (optional; the approver reads it).
    request_reason: Mapped[str | None] = mapped_column(String(MAX_REASON))
    # Why an approver rejected the request (the learner reads it on the course page).
    decision_reason: Mapped[str | None] = mapped_column(String(MAX_REASON))
    # When and by whom the enrolment ended (rejected, withdrawn or unenrolled); cleared on re-enrolment.
    ended_at: Mapped[dt.datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
