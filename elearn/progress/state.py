"""A learner's own progress in one query: enrolments, lessons completed, quizzes passed.

The person-specific half of every hot path (the course structure is the other half, cached per
process): one ``UNION ALL`` over the learner's rows, never cached, so no learner ever sees
another's progress or a stale mark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import DateTime, Integer, String, bindparam, cast, literal, null, select, union_all

from elearn.catalogue.models import Lesson
from elearn.core.database import prebuilt
from elearn.core.models import UtcDateTime
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from elearn.quizzes.models import Quiz, QuizResult


@dataclass
class EnrolmentState:
    """A learner's enrolment in one course (the fields the hot paths read and write)."""

    id: int
    course_id: int
    status: str
    enrolled_at: dt.datetime | None
    completed_at: dt.datetime | None
    last_lesson_id: int | None
    last_activity_at: dt.datetime | None


@dataclass
class LearnerState:
    """What one learner has: enrolments by course id, lessons completed, quizzes passed."""

    enrolments: dict[int, EnrolmentState] = field(default_factory=dict)
    lessons_done: set[int] = field(default_factory=set)
    quizzes_passed: set[int] = field(default_factory=set)

    def active(self, course_id: int) -> bool:
        """Whether the learner is actively enrolled in the course."""
        enrolment = self.enrolments.get(course_id)
        return enrolment is not None and enrolment.status == "active"


def _statement(one_course: bool) -> Any:
    """The union of a learner's rows (of one course when ``one_course``), with bound parameters."""
    user: Any = bindparam("user_id")
    course: Any = bindparam("course_id")
    enrolments = select(
        literal("e").label("kind"),
        Enrolment.id,
        Enrolment.course_id,
        Enrolment.status,
        Enrolment.enrolled_at,
        Enrolment.completed_at,
        Enrolment.last_lesson_id,
        Enrolment.last_activity_at,
    ).where(Enrolment.user_id == user)
    lessons = select(literal("l"), LessonCompletion.lesson_id, *_nothing()).where(LessonCompletion.user_id == user)
    quizzes = select(literal("q"), QuizResult.quiz_id, *_nothing()).where(
        QuizResult.user_id == user, QuizResult.is_passed.is_(True)
    )
    if one_course:
        enrolments = enrolments.where(Enrolment.course_id == course)
        lessons = lessons.join(Lesson, Lesson.id == LessonCompletion.lesson_id).where(Lesson.course_id == course)
        quizzes = quizzes.join(Quiz, Quiz.id == QuizResult.quiz_id).where(Quiz.course_id == course)
    return union_all(enrolments, lessons, quizzes)


def learner_state(user_id: int, course_id: int | None = None) -> LearnerState:
    """The learner's enrolments, completed lessons and passed quizzes (of one course when given),
    in one query built once per process."""
    one_course = course_id is not None
    statement = prebuilt(f"learner-state:{one_course}", lambda: _statement(one_course))
    state = LearnerState()
    row: Any
    for row in db.session.execute(statement, {"user_id": user_id, "course_id": course_id}):
        kind, item_id = row[0], row[1]
        if kind == "l":
            state.lessons_done.add(item_id)
        elif kind == "q":
            state.quizzes_passed.add(item_id)
        else:
            course, status, enrolled, completed, last_lesson, activity = row[2:]
            state.enrolments[course] = EnrolmentState(
                item_id, course, status, _utc(enrolled), _utc(completed), last_lesson, _utc(activity)
            )
    return state


def _nothing() -> list[object]:
    """NULL columns that fill a completion row to the enrolment row's shape."""
    return [
        cast(null(), Integer),
        cast(null(), String),
        cast(null(), DateTime),
        cast(null(), DateTime),
        cast(null(), Integer),
        cast(null(), DateTime),
    ]


def _utc(value: dt.datetime | str | None) -> dt.datetime | None:
    """Datetimes of a UNION come back raw on SQLite: read them as the models' UTC type does."""
    if value is None or isinstance(value, dt.datetime):
        return UtcDateTime().process_result_value(value, None) if value is not None else None
    return UtcDateTime().process_result_value(dt.datetime.fromisoformat(value), None)
