"""A learner's quiz result and its effect on the course: the one completion rule for quizzes.

Every path that changes an attempt's grade (submit, the overdue sweep, any
touch after the deadline, an essay grade) ends in ``update_result``, which
combines the attempts by the quiz's ``grading`` method, marks the quiz passed
the first time its grade reaches the pass mark (never unmarked), and then asks
progress to record the course complete, once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, or_, select

from elearn.catalogue.structure import snapshot
from elearn.core.database import dialect_insert, prebuilt
from elearn.core.time import now
from elearn.extensions import db
from elearn.progress.outline import outline_of
from elearn.progress.services import record_completion
from elearn.progress.state import learner_state
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


def update_result(quiz: Quiz, user_id: int) -> bool:
    """Recompute the learner's result for ``quiz``; on a first pass, record the course complete (once).

    One upsert keeps ``is_passed`` and ``passed_at`` once set (completion never reverts) and tells,
    through the ``passed_at`` it returns, whether this call is the first pass. Returns that.
    """
    found = db.session.execute(
        prebuilt(
            "quiz-result-attempts",
            lambda: select(Attempt.number, Attempt.state, Attempt.grade).where(
                Attempt.quiz_id == bindparam("quiz_id"), Attempt.user_id == bindparam("user_id")
            ),
        ),
        {"quiz_id": quiz.id, "user_id": user_id},
    )
    attempts = [(number, state, grade) for number, state, grade in found]
    moment = now()
    grade = combined_grade(quiz.grading, attempts)
    passed = grade is not None and grade >= quiz.pass_percent
    values = {
        "user_id": user_id,
        "quiz_id": quiz.id,
        "grade": grade,
        "is_passed": passed,
        "passed_at": moment if passed else None,
        "attempts_used": len(attempts),
        "updated_at": moment,
    }
    passed_at = db.session.execute(
        prebuilt("quiz-result-upsert", _result_upsert), {f"new_{name}": value for name, value in values.items()}
    ).scalar_one()
    newly_passed = passed and passed_at is not None and passed_at == moment
    if newly_passed:
        _complete_course_if_done(quiz.course_id, user_id)
    return newly_passed


RESULT_COLUMNS = ("user_id", "quiz_id", "grade", "is_passed", "passed_at", "attempts_used", "updated_at")


def _result_upsert() -> Any:
    """Write a learner's result; ``is_passed`` and ``passed_at`` stay once set. Returns ``passed_at``."""
    table: Any = QuizResult.__table__
    statement = dialect_insert(table).values({name: bindparam(f"new_{name}") for name in RESULT_COLUMNS})
    return statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.quiz_id],
        set_={
            "grade": statement.excluded.grade,
            "attempts_used": statement.excluded.attempts_used,
            "updated_at": statement.excluded.updated_at,
            "is_passed": or_(table.c.is_passed, statement.excluded.is_passed),
            "passed_at": func.coalesce(table.c.passed_at, statement.excluded.passed_at),
        },
    ).returning(table.c.passed_at)


def attempts_in_progress(attempts: list[tuple[int, str, Decimal | None]]) -> int:
    """How many of these attempts are still open."""
    return sum(1 for _n, state, _g in attempts if state == IN_PROGRESS)


def _complete_course_if_done(course_id: int, user_id: int) -> None:
    structure = snapshot().by_id.get(course_id)
    state = learner_state(user_id, course_id)
    enrolment = state.enrolments.get(course_id)
    if structure is None or enrolment is None or enrolment.status != "active":
        return
    record_completion(enrolment, outline_of(structure, state))
