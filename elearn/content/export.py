"""Export a loaded quiz back to Moodle GIFT."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from elearn.catalogue.models import Course, Module
from elearn.content.specs import question_from_content
from elearn.errors import Invalid, NotFound
from elearn.extensions import db
from elearn.quizzes.models import Question, QuestionVersion, Quiz


def find_quiz(course_code: str, quiz_ref: str) -> Quiz:
    """The live quiz ``slug`` (or ``module-slug/slug``) of a course."""
    module_slug, _, slug = quiz_ref.rpartition("/")
    query = (
        select(Quiz)
        .join(Course, Course.id == Quiz.course_id)
        .join(Module, Module.id == Quiz.module_id)
        .where(Course.code == course_code, Quiz.slug == slug, Quiz.archived_at.is_(None))
    )
    if module_slug:
        query = query.where(Module.slug == module_slug)
    quizzes = db.session.scalars(query).all()
    if not quizzes:
        raise NotFound(f"no quiz {quiz_ref!r} in course {course_code!r}")
    if len(quizzes) > 1:
        raise Invalid(f"several modules of {course_code} have a quiz {slug!r}: write MODULE-SLUG/{slug}")
    return quizzes[0]


def export_quiz_gift(course_code: str, quiz_ref: str) -> str:
    """GIFT text of the quiz's live questions, current versions, in order."""
    from elearn.content.gift import write_gift

    quiz = find_quiz(course_code, quiz_ref)
    rows = db.session.execute(
        select(Question.key, QuestionVersion.content)
        .join(Question, (Question.id == QuestionVersion.question_id) & (Question.version == QuestionVersion.number))
        .where(Question.quiz_id == quiz.id, Question.archived_at.is_(None))
        .order_by(Question.position)
    )
    # Keep authors' ids ([id:X] in GIFT), so a re-import updates rather than duplicates.
    questions = [
        replace(question_from_content(content), ident=key.removeprefix("id:") if key.startswith("id:") else None)
        for key, content in rows
    ]
    return write_gift(questions)
