"""Quizzes, versioned questions, attempts and per-learner quiz results.

A question's content lives in ``QuestionVersion`` rows: a reload that changes
a question adds a version, so an attempt keeps the text, options and key it
was taken with.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, get_args

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.core.models import Base, IdMixin
from elearn.core.time import now

Score = Numeric(10, 4)

AttemptState = Literal["in_progress", "needs_grading", "finished"]
#: An attempt's states (api.md), defined once: open, waiting for an essay grade, done.
ATTEMPT_STATES: tuple[AttemptState, ...] = get_args(AttemptState)
IN_PROGRESS, NEEDS_GRADING, FINISHED = ATTEMPT_STATES


class Quiz(IdMixin, Base):
    """A quiz of a module; identity is its slug within the module."""

    __tablename__ = "quizzes"
    __table_args__ = (
        UniqueConstraint("module_id", "slug"),
        # A pretest never counts toward completion: the outline, the cached structure and the SQL
        # counts all read ``is_optional``, so they agree by construction.
        CheckConstraint("role IS NULL OR role <> 'pretest' OR is_optional", name="pretest_optional"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]
    intro_html: Mapped[str] = mapped_column(Text, default="")
    pass_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(70))
    attempts_allowed: Mapped[int] = mapped_column(default=0)
    time_limit_minutes: Mapped[int | None]
    grading: Mapped[str] = mapped_column(String(10), default="highest")
    shuffle: Mapped[bool] = mapped_column(default=True)
    draw: Mapped[int | None]
    review: Mapped[str] = mapped_column(String(15), default="immediately")
    is_optional: Mapped[bool] = mapped_column(default=False)
    #: ``pretest`` (offered first, never counts) or ``posttest``: the course report's learning gain.
    role: Mapped[str | None] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    archived_at: Mapped[dt.datetime | None]


class Question(IdMixin, Base):
    """A question's identity in a quiz; ``version`` is its current version number."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    archived_at: Mapped[dt.datetime | None]


class QuestionVersion(IdMixin, Base):
    """One immutable version of a question's content (``QuestionSpec.content()``)."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    number: Mapped[int]
    type: Mapped[str] = mapped_column(String(20))
    points: Mapped[Decimal] = mapped_column(Score)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The shape ``content`` was written in (``quizzes.questions.CONTENT_SCHEMA_VERSION``), so a later
    #: change of shape still reads the versions old attempts were taken with.
    schema_version: Mapped[int] = mapped_column(default=1, server_default="1")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class Attempt(IdMixin, Base):
    """A learner's attempt at a quiz. ``layout`` freezes the drawn questions
    (version ids) and option orders shown."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        # At most one open attempt per learner and quiz, even under concurrent starts.
        Index(
            "uq_attempts_one_open",
            "quiz_id",
            "user_id",
            unique=True,
            sqlite_where=text(f"state = '{IN_PROGRESS}'"),
            postgresql_where=text(f"state = '{IN_PROGRESS}'"),
        ),
    )

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    started_at: Mapped[dt.datetime] = mapped_column(default=now)
    deadline_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    #: When an answer was last saved (the "tersimpan HH:MM:SS" indicator).
    saved_at: Mapped[dt.datetime | None]
    score: Mapped[Decimal | None] = mapped_column(Score)
    max_score: Mapped[Decimal | None] = mapped_column(Score)
    grade: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    is_passed: Mapped[bool | None]
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    @property
    def is_open(self) -> bool:
        """Still taking answers (its deadline may have passed: see ``attempts.touch``)."""
        return self.state == IN_PROGRESS


class AttemptAnswer(IdMixin, Base):
    """The saved answer to one question version in an attempt, and its score."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_version_id"),)

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    response: Mapped[Any] = mapped_column(JSON)
    saved_at: Mapped[dt.datetime] = mapped_column(default=now)
    score: Mapped[Decimal | None] = mapped_column(Score)
    comment: Mapped[str | None] = mapped_column(Text)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[dt.datetime | None]

    attempt: Mapped[Attempt] = relationship()


class AnswerChoice(Base):
    """An option a finished attempt chose (author's index), one row each: item analysis counts
    choices per option in SQL, whatever the public ids each attempt showed."""

    __tablename__ = "answer_choices"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), primary_key=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), primary_key=True, index=True)
    option_index: Mapped[int] = mapped_column(primary_key=True)


class QuizResult(Base):
    """A learner's combined grade for a quiz (by its ``grading`` rule), kept
    up to date when an attempt finishes or is graded; progress reads it.

    ``is_passed`` is the item's completion: set when the quiz is first passed and
    never cleared (completion never reverts), even if a later ``last`` or
    ``average`` grade falls below the pass mark; ``grade`` is always current.
    """

    __tablename__ = "quiz_results"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), primary_key=True, index=True)
    grade: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    is_passed: Mapped[bool] = mapped_column(default=False)
    attempts_used: Mapped[int] = mapped_column(default=0)
    passed_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=now)


class QuizOverride(IdMixin, Base):
    """An accommodation for one learner on one quiz: extra minutes on each attempt's time
    limit and extra attempts, recorded with who set it and when."""

    __tablename__ = "quiz_overrides"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    extra_attempts: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(default=now)
