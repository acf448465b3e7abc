"""Quiz use cases besides attempts: the quiz summary, what an attempt shows, reviews, accommodations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from elearn.accounts.models import Unit, User
from elearn.audit import services as audit
from elearn.catalogue.models import Course
from elearn.core.time import now
from elearn.enrolment.services import actor_of, enrolment_today
from elearn.errors import Forbidden, Invalid, NotFound
from elearn.extensions import db
from elearn.progress.access import CourseAccess
from elearn.progress.outline import OutlineItem, OutlineModule
from elearn.quizzes.attempts import (
    GRACE,
    AttemptContext,
    attempts_allowed,
    open_quiz,
    override_of,
    time_limit,
    touch,
)
from elearn.quizzes.loading import AttemptQuestion, attempt_questions
from elearn.quizzes.models import IN_PROGRESS, Attempt, Question, Quiz, QuizOverride, QuizResult
from elearn.quizzes.policy import sees_attempt, sees_quiz_results, sets_overrides
from elearn.quizzes.scoring import round_half_up


@dataclass
class QuizSummary:
    """A quiz as one user sees it: settings, their attempts, grade and open attempt."""

    quiz: Quiz
    access: CourseAccess
    module: OutlineModule
    item: OutlineItem
    attempts: list[Attempt]
    result: QuizResult | None
    override: QuizOverride | None
    question_count: int

    @property
    def attempts_allowed(self) -> int:
        """Attempts the learner may start (0: unlimited), extra attempts included."""
        return attempts_allowed(self.quiz, self.override)

    @property
    def attempts_used(self) -> int:
        """Attempts started, the open one included."""
        return len(self.attempts)

    @property
    def time_limit_minutes(self) -> int | None:
        """Minutes for one attempt, extra minutes included."""
        limit = time_limit(self.quiz, self.override)
        return int(limit.total_seconds() // 60) if limit is not None else None

    @property
    def open_attempt(self) -> Attempt | None:
        """The attempt in progress, if any."""
        return next((a for a in self.attempts if a.state == IN_PROGRESS), None)

    @property
    def grade(self) -> Decimal | None:
        """The combined grade by the quiz's ``grading`` (None until an attempt is graded)."""
        return self.result.grade if self.result is not None else None

    @property
    def passed(self) -> bool | None:
        """Whether the combined grade reaches the pass mark (None without a grade)."""
        return None if self.grade is None else self.grade >= self.quiz.pass_percent

    @property
    def can_start(self) -> bool:
        """Whether a new attempt may start now (an enrolled learner with attempts left, module unlocked)."""
        allowed = self.attempts_allowed
        return self.access.is_learning and not self.module.locked and (not allowed or len(self.attempts) < allowed)


def quiz_summary(user: User, quiz_id: int) -> QuizSummary:
    """The quiz's summary for the caller (same access rules as a lesson). An overdue attempt of
    theirs is finished on this touch."""
    opened, quiz = open_quiz(user, quiz_id)
    attempts = list(
        db.session.scalars(
            select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id).order_by(Attempt.number)
        )
    )
    for attempt in attempts:
        if attempt.state == IN_PROGRESS:
            touch(AttemptContext(attempt, quiz, opened.access.course, user, user.unit_path))
    live = db.session.scalar(select(func.count()).select_from(_live_questions(quiz.id))) or 0
    result = db.session.get(QuizResult, (user.id, quiz.id))
    return QuizSummary(
        quiz=quiz,
        access=opened.access,
        module=opened.module,
        item=opened.item,
        attempts=attempts,
        result=result,
        override=override_of(quiz.id, user.id),
        question_count=min(quiz.draw, live) if quiz.draw else live,
    )


def _live_questions(quiz_id: int) -> Any:
    return select(Question.id).where(Question.quiz_id == quiz_id, Question.archived_at.is_(None)).subquery()


# --- what an attempt shows -------------------------------------------------------------------------


def presented_questions(context: AttemptContext) -> list[dict[str, Any]]:
    """The API ``Question`` list of an attempt: never anything that reveals the key."""
    return [
        {
            "id": question.question_id,
            "points": float(question.points),
            **question.kind.present(question.spec, question.layout, language=context.language),
        }
        for question in attempt_questions(context.attempt)
    ]


def saved_answer_map(context: AttemptContext) -> dict[str, Any]:
    """``{question id: Answer}`` of what was saved (cleared answers left out)."""
    saved = context.answers()
    return {
        question.key: saved[question.version_id].response
        for question in attempt_questions(context.attempt)
        if question.version_id in saved and saved[question.version_id].response is not None
    }


def closed_for_learner(context: AttemptContext) -> bool:
    """``review: after_close``: the quiz is closed for this learner once the course's enrolment
    window has ended (``closes``) or every allowed attempt is used."""
    course, quiz = context.course, context.quiz
    if course.closes_on is not None and enrolment_today() > course.closes_on:
        return True
    allowed = attempts_allowed(quiz, override_of(quiz.id, context.owner.id))
    if not allowed:
        return False
    used = db.session.scalar(
        select(func.count()).where(Attempt.quiz_id == quiz.id, Attempt.user_id == context.owner.id)
    )
    return (used or 0) >= allowed


def review_allowed(context: AttemptContext, viewer: User) -> bool:
    """Whether ``viewer`` sees right answers and feedback of this closed attempt: staff always;
    the learner as the quiz's ``review`` setting allows."""
    if context.attempt.state == IN_PROGRESS:
        return False
    if viewer.id != context.owner.id:
        return True
    review = context.quiz.review
    return review == "immediately" or (review == "after_close" and closed_for_learner(context))


@dataclass(frozen=True)
class ReviewItem:
    """One question of a closed attempt, as a review shows it."""

    question: AttemptQuestion
    presented: dict[str, Any]
    answer: Any
    score: Decimal | None
    correct: bool
    feedback_html: str
    right_answer: Any
    comment: str | None

    def body(self) -> dict[str, Any]:
        """The API's review entry."""
        return {
            "question_id": self.question.question_id,
            "score": float(self.score) if self.score is not None else None,
            "correct": self.correct,
            "feedback_html": self.feedback_html,
            "right_answer": self.right_answer,
            "comment": self.comment,
        }


def review_items(context: AttemptContext) -> list[ReviewItem]:
    """Every question of a closed attempt with its score, rightness, feedback and key."""
    saved = context.answers()
    items = []
    for question in attempt_questions(context.attempt):
        row = saved.get(question.version_id)
        answer = row.response if row is not None else None
        kind, spec, layout = question.kind, question.spec, question.layout
        exact = kind.score(spec, layout, answer)  # exact, so "correct" never rests on a rounded score
        if exact is None and row is not None and row.graded_at is not None:
            exact = Fraction(row.score) if row.score is not None else None
        score = round_half_up(exact, 4) if exact is not None else None
        items.append(
            ReviewItem(
                question=question,
                presented=kind.present(spec, layout, language=context.language),
                answer=answer,
                score=score,
                correct=exact is not None and exact == Fraction(question.points),
                feedback_html=kind.feedback_html(spec, layout, answer),
                right_answer=kind.right_answer(spec, layout, language=context.language),
                comment=row.comment if row is not None else None,
            )
        )
    return items


def seconds_left(attempt: Attempt, moment: dt.datetime | None = None) -> int | None:
    """Whole seconds until the deadline (negative in the grace), or None when untimed."""
    if attempt.deadline_at is None:
        return None
    return int((attempt.deadline_at - (moment or now())).total_seconds())


def grace_seconds() -> int:
    """The grace after a deadline, in seconds."""
    return int(GRACE.total_seconds())


# --- accommodations --------------------------------------------------------------------------------


def set_override(
    actor_user: User, quiz_id: int, username: str, *, extra_minutes: int, extra_attempts: int, reason: str = ""
) -> QuizOverride:
    """Give one learner extra time or attempts on one quiz (instructor of the course, the learner's
    coordinator, or an admin); recorded with who set it and when. An open attempt gets the new time.

    Who may accommodate nobody in the course is refused (403) before any look-up; a person the
    caller may not see is 404, as for approvals.
    """
    found_quiz = (
        db.session.execute(
            select(Quiz, Course)
            .join(Course, Course.id == Quiz.course_id)
            .where(Quiz.id == quiz_id, Quiz.archived_at.is_(None))
        ).first()
        if 0 < quiz_id <= 2**31 - 1
        else None
    )
    if found_quiz is None:
        raise NotFound(_("Kuis tidak ditemukan."))
    quiz, course = found_quiz
    actor = actor_of(actor_user)
    if not sees_quiz_results(actor, course.instructors):
        raise Forbidden(_("Anda tidak berhak memberi kelonggaran di kursus ini."))
    found = db.session.execute(
        select(User, Unit.path)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(User.username == username.strip().lower())
    ).first()
    if found is None or not sees_attempt(actor, course.instructors, found[1], found[0].id):
        raise NotFound(_("Peserta tidak ditemukan."))
    learner, unit_path = found
    if not sets_overrides(actor, course.instructors, unit_path, learner.id):
        raise Forbidden(_("Anda tidak berhak memberi kelonggaran kepada peserta ini."))
    if not (0 <= extra_minutes <= 24 * 60 and 0 <= extra_attempts <= 100):
        message = _("Tambahan waktu 0-1440 menit dan tambahan kesempatan 0-100.")
        raise Invalid(message, fields={"extra_minutes": message})
    override = override_of(quiz.id, learner.id) or QuizOverride(quiz_id=quiz.id, user_id=learner.id)
    override.extra_minutes, override.extra_attempts, override.reason = extra_minutes, extra_attempts, reason.strip()
    override.set_by_id, override.set_at = actor_user.id, now()
    db.session.add(override)
    open_attempt = db.session.scalar(
        select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == learner.id, Attempt.state == IN_PROGRESS)
    )
    limit = time_limit(quiz, override)
    if open_attempt is not None and limit is not None:
        open_attempt.deadline_at = open_attempt.started_at + limit
    audit.record(
        actor_user,
        "quiz.override",
        target_type="quiz",
        target_id=quiz.id,
        summary=f"{learner.username}: +{extra_minutes} min, +{extra_attempts} attempts",
        details={"username": learner.username, "extra_minutes": extra_minutes, "extra_attempts": extra_attempts},
    )
    db.session.flush()
    return override
