"""The progress part of a person's data export: the lessons they completed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.core.owndata import section
from elearn.extensions import db
from elearn.progress.models import LessonCompletion


@section("progress", order=30)
def progress(user: User) -> list[dict[str, Any]]:
    """Every lesson completion, with its course and time."""
    rows = db.session.execute(
        select(LessonCompletion.completed_at, Course.code, Lesson.key, Lesson.title)
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(LessonCompletion.user_id == user.id)
        .order_by(LessonCompletion.completed_at, Lesson.id)
    )
    return [
        {"course": code, "lesson": key, "lesson_title": title, "completed_at": completed}
        for completed, code, key, title in rows
    ]
