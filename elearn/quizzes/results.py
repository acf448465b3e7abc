"""A learner's quiz result and its effect on the course: the one completion rule for quizzes.

Every path that changes an attempt's grade (submit, the overdue sweep, any
touch after the deadline, an essay grade) ends in ``update_result``, which
combines the attempts by the quiz's ``grading`` method, marks the quiz passed
the first time its grade reaches the pass mark (never unmarked), and then asks
progress to record the course complete, once.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from elearn.catalogue.models import Course
from elearn.core.database import insert_ignoring_duplicates
from elearn.core.time import now
from elearn.enrolment.services import enrolment_of
from elearn.extensions import db
from elearn.progress.outline import load_outline
from elearn.progress.services import record_completion
from elearn.quizzes.models import FINISHED, IN_PROGRESS, NEEDS_GRADING, Attempt, Quiz, QuizResult
from elearn.quizzes.scoring import combine_grades


def combined_grade(grading: str, attempts: list[tuple[int, str, Decimal | None]]) -> Decimal | None:
    """The quiz grade from (number, state, grade) of the closed attempts, by ``grading``.

    ``first`` and ``last`` wait for their attempt's essay grade (None until then); ``average``
    waits for every attempt; ``highest`` takes the best graded one (a pending one can only add).
    """
    closed = sorted((a for a in attempts if a[1] in (FINISHED, NEEDS_GRADING)), key=lambda a: a[0])
    if not closed:
        return None
    if grading in ("first", "last"):
        chosen = closed[0] if grading == "first" else closed[-1]
        return chosen[2] if chosen[1] == FINISHED else None
    if grading == "average" and any(state != FINISHED for _n, state, _g in closed):
        return None
    grades = [grade for _n, state, grade in closed if state == FINISHED and grade is not None]
    return combine_grades(grading, grades)


def update_result(quiz: Quiz, user_id: int) -> QuizResult:
    """Recompute the learner's result for ``quiz``; on a first pass, record the course complete (once)."""
    attempts = [
        (number, state, grade)
        for number, state, grade in db.session.execute(
            select(Attempt.number, Attempt.state, Attempt.grade).where(
                Attempt.quiz_id == quiz.id, Attempt.user_id == user_id
            )
        )
    ]
    insert_ignoring_duplicates(QuizResult, {"user_id": user_id, "quiz_id": quiz.id, "is_passed": False})
    result = db.session.execute(
        select(QuizResult).where(QuizResult.user_id == user_id, QuizResult.quiz_id == quiz.id).with_for_update()
    ).scalar_one()
    moment = now()
    result.grade = combined_grade(quiz.grading, attempts)
    result.attempts_used = len(attempts)
    result.updated_at = moment
    newly_passed = not result.is_passed and result.grade is not None and result.grade >= quiz.pass_percent
    if newly_passed:
        result.is_passed, result.passed_at = True, moment
    db.session.flush()
    if newly_passed:
        _complete_course_if_done(quiz.course_id, user_id)
    return result


def attempts_in_progress(attempts: list[tuple[int, str, Decimal | None]]) -> int:
    """How many of these attempts are still open."""
    return sum(1 for _n, state, _g in attempts if state == IN_PROGRESS)


def _complete_course_if_done(course_id: int, user_id: int) -> None:
    enrolment = enrolment_of(user_id, course_id)
    if enrolment is None or enrolment.status != "active":
        return
    course = db.session.get(Course, course_id)
    if course is not None:
        record_completion(enrolment, load_outline(course, user_id))
