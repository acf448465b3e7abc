"""The course report: enrolment, completion and quiz figures of one course, aggregated in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from elearn.accounts.models import Unit, User
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
class GainRow:
    """One learner's pre-test and post-test grades and the gain between them (percentage points)."""

    username: str
    name: str
    unit: str | None
    pre: float
    post: float

    @property
    def gain(self) -> float:
        """Post-test minus pre-test."""
        return round(self.post - self.pre, 2)


GAIN_BUCKETS = (
    (None, 0, "< 0"),
    (0, 10, "0-9"),
    (10, 20, "10-19"),
    (20, 30, "20-29"),
    (30, 50, "30-49"),
    (50, None, ">= 50"),
)


@dataclass(frozen=True)
class LearningGain:
    """Kirkpatrick level 2: the course's pre-test and post-test and each learner's gain (learners
    with a grade in both; the grades are their quiz results, by each quiz's grading rule)."""

    pretest: str | None
    posttest: str | None
    rows: list[GainRow]

    def _mean(self, values: list[float]) -> float | None:
        return round(sum(values) / len(values), 2) if values else None

    @property
    def average_pre(self) -> float | None:
        """Mean pre-test grade."""
        return self._mean([row.pre for row in self.rows])

    @property
    def average_post(self) -> float | None:
        """Mean post-test grade."""
        return self._mean([row.post for row in self.rows])

    @property
    def average_gain(self) -> float | None:
        """Mean gain (post minus pre)."""
        return self._mean([row.gain for row in self.rows])

    def buckets(self) -> list[tuple[str, int]]:
        """Learners per band of gain, for the chart."""
        return [
            (
                label,
                sum(1 for row in self.rows if (low is None or row.gain >= low) and (high is None or row.gain < high)),
            )
            for low, high, label in GAIN_BUCKETS
        ]


@dataclass(frozen=True)
class CourseReport:
    """api.md's course report; rates and grades are percentages with two decimals."""

    course: Course
    enrolled: int
    completed: int
    completion_rate: float | None
    average_grade: float | None
    quizzes: list[QuizFigures]
    gain: LearningGain | None = None


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
    """Enrolled (active), completed, the quizzes' figures and the learning gain for the people in
    scope (six queries)."""
    scope = report_unit(actor, course, unit)
    completed = func.sum(case((Enrolment.completed_at.is_not(None), 1), else_=0))
    counts = select(func.count(Enrolment.id), completed).where(
        Enrolment.course_id == course.id, Enrolment.status == "active"
    )
    enrolled, done = db.session.execute(_people(scope, counts, Enrolment.user_id)).one()
    rows = db.session.execute(
        select(Quiz.id, Quiz.title, Quiz.role)
        .where(Quiz.course_id == course.id, Quiz.archived_at.is_(None))
        .order_by(Quiz.module_id, Quiz.position)
    ).all()
    quizzes = [(quiz_id, title) for quiz_id, title, _role in rows]
    ids = [quiz_id for quiz_id, _title in quizzes]
    figures, overall = _quiz_figures(scope, quizzes, ids)
    enrolled, done = int(enrolled or 0), int(done or 0)
    roles = {role: (quiz_id, title) for quiz_id, title, role in rows if role}
    gain = _gain(scope, roles) if roles else None
    return CourseReport(course, enrolled, done, _rate(done, enrolled), overall, figures, gain)


def _gain(scope: str | None, roles: dict[str, tuple[int, str]]) -> LearningGain:
    """Each learner in scope with a grade in both the pre-test and the post-test (one query)."""
    pre, post = roles.get("pretest"), roles.get("posttest")
    if pre is None or post is None:
        return LearningGain(pre[1] if pre else None, post[1] if post else None, [])
    query = select(QuizResult.quiz_id, QuizResult.grade, User.username, User.name).where(
        QuizResult.quiz_id.in_([pre[0], post[0]]), QuizResult.grade.is_not(None)
    )
    grades: dict[str, dict[int, float]] = {}
    people: dict[str, tuple[str, str | None]] = {}
    query = _people(scope, query, QuizResult.user_id)
    if scope is None:  # within_unit joined the units already when there is a scope
        query = query.outerjoin(Unit, Unit.id == User.unit_id)
    for quiz_id, grade, username, name, path in db.session.execute(query.add_columns(Unit.path)):
        grades.setdefault(username, {})[quiz_id] = float(grade)
        people[username] = (name, path)
    rows = [
        GainRow(username, people[username][0], people[username][1], by_quiz[pre[0]], by_quiz[post[0]])
        for username, by_quiz in grades.items()
        if pre[0] in by_quiz and post[0] in by_quiz
    ]
    rows.sort(key=lambda row: (row.unit or "", row.name, row.username))
    return LearningGain(pre[1], post[1], rows)


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
