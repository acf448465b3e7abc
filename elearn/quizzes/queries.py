"""Read models for instructors and coordinators: attempts of a quiz, item analysis, essays to grade.

Aggregated in SQL: a fixed number of queries whatever the number of learners and attempts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, select

from elearn.accounts.models import User
from elearn.accounts.queries import within_units
from elearn.catalogue.models import Course, CourseInstructor
from elearn.catalogue.policy import Actor, sees_everyone
from elearn.catalogue.structure import CourseInfo
from elearn.errors import Forbidden
from elearn.extensions import db
from elearn.quizzes.loading import specs_of
from elearn.quizzes.models import (
    FINISHED,
    IN_PROGRESS,
    NEEDS_GRADING,
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Question,
    QuestionVersion,
    Quiz,
)
from elearn.quizzes.policy import sees_quiz_results


def _scoped(query: Select[Attempt, User], actor: Actor, course: Course | CourseInfo) -> Select[Attempt, User]:
    """A coordinator who does not teach the course sees their units' people only."""
    return query if sees_everyone(actor, course.instructors) else within_units(query, actor.unit_path)


def check_sees_results(actor: Actor, course: Course | CourseInfo) -> None:
    """Refuse who may not see a quiz's results (403)."""
    if not sees_quiz_results(actor, course.instructors):
        raise Forbidden(_("Anda tidak berhak melihat hasil kuis ini."))


@dataclass(frozen=True)
class AttemptRow:
    """One attempt in a quiz's list of attempts."""

    attempt: Attempt
    learner: User


def quiz_attempts(
    actor: Actor, quiz: Quiz, course: Course | CourseInfo, *, page: int = 1, per_page: int = 50
) -> list[AttemptRow]:
    """Attempts of ``quiz`` by the people ``actor`` may see, newest first."""
    check_sees_results(actor, course)
    query = select(Attempt, User).join(User, User.id == Attempt.user_id).where(Attempt.quiz_id == quiz.id)
    rows = db.session.execute(
        _scoped(query, actor, course)
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return [AttemptRow(attempt, learner) for attempt, learner in rows]


@dataclass
class ItemStats:
    """Item analysis of one question version over finished attempts."""

    version_id: int
    question_id: int
    position: int
    stem_html: str
    type: str
    attempts: int
    facility: float | None  # mean share of the points scored, 0..1
    discrimination: float | None  # correlation of this question's share with the rest of the attempt
    option_counts: list[tuple[str, int, bool]] = field(default_factory=list)  # (option html, chosen, is right)


def item_analysis(quiz: Quiz) -> list[ItemStats]:
    """Facility and discrimination index per question version, and choices per option, from the
    finished attempts of ``quiz`` (sums in SQL; only the final formula runs per question)."""
    share = AttemptAnswer.score / QuestionVersion.points
    rest_points = func.nullif(Attempt.max_score - QuestionVersion.points, 0)
    rest = (Attempt.score - AttemptAnswer.score) / rest_points
    sums = db.session.execute(
        select(
            QuestionVersion.id,
            QuestionVersion.content_hash,
            Question.id,
            Question.position,
            func.count(),
            func.sum(share),
            func.sum(rest),
            func.sum(share * rest),
            func.sum(share * share),
            func.sum(rest * rest),
        )
        .select_from(AttemptAnswer)
        .join(Attempt, and_(Attempt.id == AttemptAnswer.attempt_id, Attempt.state == FINISHED))
        .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Attempt.quiz_id == quiz.id, AttemptAnswer.score.is_not(None))
        .group_by(QuestionVersion.id, QuestionVersion.content_hash, Question.id, Question.position)
        .order_by(Question.position, QuestionVersion.id)
    ).all()
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for version_id, index, n in db.session.execute(
        select(AnswerChoice.question_version_id, AnswerChoice.option_index, func.count())
        .join(Attempt, and_(Attempt.id == AnswerChoice.attempt_id, Attempt.state == FINISHED))
        .where(Attempt.quiz_id == quiz.id)
        .group_by(AnswerChoice.question_version_id, AnswerChoice.option_index)
    ):
        counts[version_id][index] = n
    specs = specs_of((row[0], row[1]) for row in sums)
    stats = []
    for version_id, _digest, question_id, position, n, sx, sy, sxy, sxx, syy in sums:
        spec = specs[version_id][0]
        options = [
            (choice.html or choice.key, counts[version_id].get(i, 0), choice.weight > 0)
            for i, choice in enumerate(spec.choices)
        ]
        stats.append(
            ItemStats(
                version_id=version_id,
                question_id=question_id,
                position=position,
                stem_html=spec.stem_html,
                type=spec.type,
                attempts=n,
                facility=float(sx) / n if n and sx is not None else None,
                discrimination=_correlation(n, sx, sy, sxy, sxx, syy),
                option_counts=options,
            )
        )
    return stats


def _correlation(n: int, *sums: Decimal | float | None) -> float | None:
    """Pearson's r from the sums Σx, Σy, Σxy, Σx², Σy² (None when it is undefined)."""
    if n < 2 or any(value is None for value in sums):
        return None
    sx, sy, sxy, sxx, syy = (float(value or 0) for value in sums)
    spread = (n * sxx - sx * sx) * (n * syy - sy * sy)
    if spread <= 1e-12:
        return None
    return (n * sxy - sx * sy) / math.sqrt(spread)


@dataclass(frozen=True)
class EssayToGrade:
    """An answered essay waiting for a grade."""

    attempt_id: int
    question_id: int
    course_code: str
    quiz_title: str
    learner: str
    submitted_at: dt.datetime | None


def essays_waiting(actor: Actor, *, limit: int = 200) -> list[EssayToGrade]:
    """Answered essays without a grade in attempts of the courses ``actor`` grades (admins: all)."""
    query = (
        select(Attempt.id, Question.id, Course.code, Quiz.title, User.name, Attempt.finished_at)
        .select_from(AttemptAnswer)
        .join(Attempt, and_(Attempt.id == AttemptAnswer.attempt_id, Attempt.state == NEEDS_GRADING))
        .join(
            QuestionVersion,
            and_(QuestionVersion.id == AttemptAnswer.question_version_id, QuestionVersion.type == "essay"),
        )
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .join(User, User.id == Attempt.user_id)
        .where(AttemptAnswer.graded_at.is_(None), AttemptAnswer.score.is_(None))
        .order_by(Attempt.finished_at, Attempt.id)
        .limit(limit)
    )
    if not actor.is_admin:  # the courses that name the actor as instructor
        query = query.join(
            CourseInstructor,
            and_(CourseInstructor.course_id == Course.id, CourseInstructor.username == actor.username.lower()),
        )
    return [EssayToGrade(*row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class OpenAttempt:
    """A learner's quiz attempt still taking answers (the home page)."""

    attempt_id: int
    quiz_title: str
    course_code: str
    course_title: str
    started_at: dt.datetime
    deadline_at: dt.datetime | None


def open_attempts(user_id: int, limit: int = 10) -> list[OpenAttempt]:
    """The learner's open attempts of live quizzes, the nearest deadline first (one query)."""
    rows = db.session.execute(
        select(Attempt.id, Quiz.title, Course.code, Course.title, Attempt.started_at, Attempt.deadline_at)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(Attempt.user_id == user_id, Attempt.state == IN_PROGRESS, Quiz.archived_at.is_(None))
        .order_by(Attempt.deadline_at.is_(None), Attempt.deadline_at, Attempt.started_at)
        .limit(limit)
    ).all()
    return [OpenAttempt(*row) for row in rows]
