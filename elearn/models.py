"""Imports every model so the metadata (and Alembic) sees all tables."""

from elearn.accounts.models import ApiToken, LoginFailure, PasswordReset, Unit, User, WebSession
from elearn.audit.models import AuditEntry
from elearn.catalogue.models import Course, CourseInstructor, Lesson, MediaFile, Module
from elearn.certificates.models import Certificate, CertificateCounter, CertificatePdf
from elearn.content.models import RenderedHtml
from elearn.core.models import RateCounter, Revision
from elearn.discussion.models import DiscussionPost, DiscussionReport
from elearn.enrolment.models import Enrolment
from elearn.evaluation.models import (
    NeedsRating,
    NeedsResponse,
    NeedsSurvey,
    NeedsTopic,
    NeedsTopicCourse,
    Survey,
    SurveyAnswer,
    SurveyCounter,
    SurveyItem,
    SurveyItemVersion,
    SurveyResponse,
    SurveySubmission,
)
from elearn.notifications.models import Notification, OutgoingMail
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
from elearn.reports.models import Evidence, ExternalRecord, JpEntry

__all__ = [
    "AnswerChoice",
    "ApiToken",
    "AuditEntry",
    "Attempt",
    "AttemptAnswer",
    "Certificate",
    "CertificateCounter",
    "CertificatePdf",
    "Course",
    "CourseUpload",
    "CourseInstructor",
    "DiscussionPost",
    "DiscussionReport",
    "Enrolment",
    "Evidence",
    "ExternalRecord",
    "JpEntry",
    "Lesson",
    "LessonCompletion",
    "LoginFailure",
    "MediaFile",
    "Module",
    "NeedsRating",
    "NeedsResponse",
    "NeedsSurvey",
    "NeedsTopic",
    "NeedsTopicCourse",
    "Notification",
    "OutgoingMail",
    "PasswordReset",
    "Question",
    "QuestionVersion",
    "Quiz",
    "QuizOverride",
    "QuizResult",
    "RateCounter",
    "RenderedHtml",
    "Revision",
    "Survey",
    "SurveyAnswer",
    "SurveyCounter",
    "SurveyItem",
    "SurveyItemVersion",
    "SurveyResponse",
    "SurveySubmission",
    "Unit",
    "User",
    "WebSession",
]
