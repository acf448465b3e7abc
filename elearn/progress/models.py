"""Progress: which lessons a learner has completed (viewing completes a lesson)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import Base
from elearn.core.time import now


class LessonCompletion(Base):
    """A lesson a learner completed, once, with its time."""

    __tablename__ = "lesson_completions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), primary_key=True, index=True)
    completed_at: Mapped[dt.datetime] = mapped_column(default=now)
