"""The quiz part of a person's data export: attempts with their answers and scores, results, accommodations.

Each attempt lists its questions as the learner was shown them (``QuestionKind.present``: the same
key-free shape as the API's attempt view), so an export never reveals a quiz's answer key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.core.owndata import section
from elearn.extensions import db
from elearn.quizzes.attempts import saved_answers
from elearn.quizzes.loading import attempt_questions
from elearn.quizzes.models import Attempt, QuizOverride, QuizResult
from elearn.quizzes.models import Quiz as QuizRow


@section("quiz_attempts", order=40)
def quiz_attempts(user: User) -> list[dict[str, Any]]:
    """Every attempt: when, state, score and grade, and each question with the answer saved and its score."""
    rows = db.session.execute(
        select(Attempt, QuizRow.title, Course.code, Course.language)
        .join(QuizRow, QuizRow.id == Attempt.quiz_id)
        .join(Course, Course.id == QuizRow.course_id)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.started_at, Attempt.id)
    )
    return [_attempt(attempt, title, code, language) for attempt, title, code, language in rows]


def _attempt(attempt: Attempt, quiz_title: str, course: str, language: str) -> dict[str, Any]:
    saved = saved_answers(attempt)
    questions = []
    for question in attempt_questions(attempt):
        row = saved.get(question.version_id)
        questions.append(
            {
                "shown": question.kind.present(question.spec, question.layout, language=language),
                "points": question.points,
                "answer": row.response if row is not None else None,
                "saved_at": row.saved_at if row is not None else None,
                "score": row.score if row is not None else None,
                "comment": row.comment if row is not None else None,
                "graded_at": row.graded_at if row is not None else None,
            }
        )
    return {
        "course": course,
        "quiz": quiz_title,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline_at": attempt.deadline_at,
        "finished_at": attempt.finished_at,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "grade": attempt.grade,
        "passed": attempt.is_passed,
        "questions": questions,
    }


@section("quiz_results", order=45)
def quiz_results(user: User) -> list[dict[str, Any]]:
    """The combined grade per quiz, and any accommodation (extra time or attempts) given."""
    results = db.session.execute(
        select(QuizResult, QuizRow.title, Course.code)
        .join(QuizRow, QuizRow.id == QuizResult.quiz_id)
        .join(Course, Course.id == QuizRow.course_id)
        .where(QuizResult.user_id == user.id)
        .order_by(Course.code, QuizRow.id)
    )
    overrides = {
        row.quiz_id: row for row in db.session.scalars(select(QuizOverride).where(QuizOverride.user_id == user.id))
    }
    exported = []
    for result, title, code in results:
        override = overrides.get(result.quiz_id)
        exported.append(
            {
                "course": code,
                "quiz": title,
                "grade": result.grade,
                "passed": result.is_passed,
                "passed_at": result.passed_at,
                "attempts_used": result.attempts_used,
                "accommodation": None
                if override is None
                else {
                    "extra_minutes": override.extra_minutes,
                    "extra_attempts": override.extra_attempts,
                    "reason": override.reason,
                    "set_at": override.set_at,
                },
            }
        )
    return exported
