"""The course report: enrolment, completion and quiz figures of one course, aggregated in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.catalogue.policy import Actor, teaches
from elearn.certificates.queries import scoped_unit, within_unit
from elearn.enrolment.models import Enrolment
from elearn.errors import Forbidden
from elearn.extensions import db
from elearn.quizzes.models import IN_PROGRESS, Attempt, Quiz, QuizResult


@dataclass(frozen=True)
class QuizFigures:
    """One quiz of the course report."""

    id: int
    title: str
    attempts: int
    average_grade: float | None
    pass_rate: float | None


@dataclass(frozen=True)
class CourseReport:
    """api.md's course report; rates and grades are percentages with two decimals."""

    course: Course
    enrolled: int
    completed: int
    completion_rate: float | None
    average_grade: float | None
    quizzes: list[QuizFigures]


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def report_unit(actor: Actor, course: Course, unit: str | None) -> str | None:
    """The unit subtree a course report covers: instructors of the course and admins see everyone
    (or the ``unit`` asked for); a coordinator their units; anyone else is refused."""
    if actor.is_admin or teaches(actor, course.instructors):
        return (unit or "").strip().strip("/") or None
    if not actor.is_coordinator:
        raise Forbidden(_("Anda tidak berhak melihat laporan kursus ini."))
    return scoped_unit(actor, unit)


def _people(unit: str | None, query: Any, user_column: Any) -> Any:
    return within_unit(query.join(User, User.id == user_column), unit)


def course_report(actor: Actor, course: Course, *, unit: str | None = None) -> CourseReport:
    """Enrolled (active), completed and the quizzes' figures for the people in scope (five queries)."""
    scope = report_unit(actor, course, unit)
    completed = func.sum(case((Enrolment.completed_at.is_not(None), 1), else_=0))
    counts = select(func.count(Enrolment.id), completed).where(
        Enrolment.course_id == course.id, Enrolment.status == "active"
    )
    enrolled, done = db.session.execute(_people(scope, counts, Enrolment.user_id)).one()
    quizzes = db.session.execute(
        select(Quiz.id, Quiz.title)
        .where(Quiz.course_id == course.id, Quiz.archived_at.is_(None))
        .order_by(Quiz.module_id, Quiz.position)
    ).all()
    ids = [quiz_id for quiz_id, _title in quizzes]
    figures, overall = _quiz_figures(scope, quizzes, ids)
    enrolled, done = int(enrolled or 0), int(done or 0)
    return CourseReport(course, enrolled, done, _rate(done, enrolled), overall, figures)


def _quiz_figures(scope: str | None, quizzes: Any, ids: list[int]) -> tuple[list[QuizFigures], float | None]:
    """Per quiz: submitted attempts, average grade and pass rate; and the average over all of them."""
    submitted = select(Attempt.quiz_id, func.count()).where(Attempt.quiz_id.in_(ids), Attempt.state != IN_PROGRESS)
    by_quiz = _people(scope, submitted, Attempt.user_id).group_by(Attempt.quiz_id)
    attempts = {quiz_id: int(n) for quiz_id, n in db.session.execute(by_quiz)}
    graded = QuizResult.grade.is_not(None)
    per_quiz = select(
        QuizResult.quiz_id,
        func.avg(QuizResult.grade),
        func.sum(case((QuizResult.is_passed.is_(True), 1), else_=0)),
        func.count(),
    ).where(QuizResult.quiz_id.in_(ids), graded)
    results = {
        quiz_id: (average, passed, count)
        for quiz_id, average, passed, count in db.session.execute(
            _people(scope, per_quiz, QuizResult.user_id).group_by(QuizResult.quiz_id)
        )
    }
    everything = select(func.avg(QuizResult.grade)).where(QuizResult.quiz_id.in_(ids), graded)
    overall = db.session.scalar(_people(scope, everything, QuizResult.user_id))
    figures = []
    for quiz_id, title in quizzes:
        average, passed, count = results.get(quiz_id, (None, 0, 0))
        rate = _rate(int(passed or 0), count)
        figures.append(QuizFigures(quiz_id, title, attempts.get(quiz_id, 0), _number(average), rate))
    return figures, _number(overall)
