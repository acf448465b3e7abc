"""Imports every model so the metadata (and Alembic) sees all tables."""

from elearn.accounts.models import ApiToken, LoginFailure, Unit, User, WebSession
from elearn.audit.models import AuditEntry
from elearn.catalogue.models import Course, CourseInstructor, Lesson, MediaFile, Module
from elearn.content.models import RenderedHtml
from elearn.core.models import RateCounter
from elearn.enrolment.models import Enrolment
from elearn.progress.models import LessonCompletion
from elearn.publishing.models import CourseUpload
from elearn.quizzes.models import (
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Question,
    QuestionVersion,
    Quiz,
    QuizOverride,
    QuizResult,
)

__all__ = [
    "AnswerChoice",
    "ApiToken",
    "AuditEntry",
    "Attempt",
    "AttemptAnswer",
    "Course",
    "CourseUpload",
    "CourseInstructor",
    "Enrolment",
    "Lesson",
    "LessonCompletion",
    "LoginFailure",
    "MediaFile",
    "Module",
    "Question",
    "QuestionVersion",
    "Quiz",
    "QuizOverride",
    "QuizResult",
    "RateCounter",
    "RenderedHtml",
    "Unit",
    "User",
    "WebSession",
]
