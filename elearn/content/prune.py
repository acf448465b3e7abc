"""``--prune``: delete archived content that no learner ever touched."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, delete, exists, select

from elearn.catalogue.models import Course, Lesson, MediaFile, Module
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from elearn.quizzes.models import Attempt, Question, QuestionVersion, Quiz, QuizResult


def _execute(statement: Any) -> CursorResult[Any]:
    return cast(CursorResult[Any], db.session.execute(statement))


def prune_archived(course_codes: Sequence[str]) -> int:
    """Delete the untouched archived lessons, quizzes, questions, modules and media
    of these courses; returns how many items (not media) were deleted."""
    course_ids = select(Course.id).where(Course.code.in_(course_codes)).scalar_subquery()
    count = 0
    untouched_questions = select(Question.id).where(
        Question.archived_at.is_not(None),
        Question.quiz_id.in_(select(Quiz.id).where(Quiz.course_id.in_(course_ids))),
        ~exists().where(Attempt.quiz_id == Question.quiz_id),
    )
    question_ids = db.session.scalars(untouched_questions).all()
    if question_ids:
        _execute(delete(QuestionVersion).where(QuestionVersion.question_id.in_(question_ids)))
        count += _execute(delete(Question).where(Question.id.in_(question_ids))).rowcount
    count += _execute(
        delete(Quiz).where(
            Quiz.course_id.in_(course_ids),
            Quiz.archived_at.is_not(None),
            ~exists().where(Attempt.quiz_id == Quiz.id),
            ~exists().where(QuizResult.quiz_id == Quiz.id),
            ~exists().where(Question.quiz_id == Quiz.id),
        )
    ).rowcount
    count += _execute(
        delete(Lesson).where(
            Lesson.course_id.in_(course_ids),
            Lesson.archived_at.is_not(None),
            ~exists().where(LessonCompletion.lesson_id == Lesson.id),
            ~exists().where(Enrolment.last_lesson_id == Lesson.id),
        )
    ).rowcount
    count += _execute(
        delete(Module).where(
            Module.course_id.in_(course_ids),
            Module.archived_at.is_not(None),
            ~exists().where(Lesson.module_id == Module.id),
            ~exists().where(Quiz.module_id == Module.id),
        )
    ).rowcount
    _execute(delete(MediaFile).where(MediaFile.course_id.in_(course_ids), MediaFile.archived_at.is_not(None)))
    return count
