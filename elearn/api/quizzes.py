"""Quizzes API: quiz summary, attempts (start, autosave, submit, read), essay grades, accommodations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from elearn.accounts.models import User
from elearn.api.auth import api_user, authenticated, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.api.schemas import StrictSchema
from elearn.core.time import iso, now
from elearn.extensions import db
from elearn.quizzes import attempts
from elearn.quizzes.attempts import AttemptContext
from elearn.quizzes.models import IN_PROGRESS
from elearn.quizzes.services import (
    grace_seconds,
    presented_questions,
    quiz_summary,
    review_allowed,
    review_items,
    saved_answer_map,
    seconds_left,
    set_override,
)

blp = Blueprint("api_quizzes", __name__, url_prefix="/api/v1", description="Quizzes and attempts")

ATTEMPT_ERRORS = "password_change_required"


class QuizSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    pass_ = ma.fields.Float(required=True, data_key="pass", attribute="pass")
    attempts_allowed = ma.fields.Integer(required=True, metadata={"description": "0 = unlimited"})
    attempts_used = ma.fields.Integer(required=True)
    time_limit_minutes = ma.fields.Integer(allow_none=True)
    grading = ma.fields.String(required=True)
    review = ma.fields.String(required=True)
    question_count = ma.fields.Integer(required=True)
    grade = ma.fields.Float(allow_none=True)
    passed = ma.fields.Boolean(allow_none=True)
    open_attempt = ma.fields.Integer(allow_none=True)
    completed = ma.fields.Boolean()


class OptionSchema(ma.Schema):
    id = ma.fields.String(required=True)
    html = ma.fields.String(required=True)


class QuestionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    type = ma.fields.String(required=True)
    points = ma.fields.Float(required=True)
    stem_html = ma.fields.String(required=True)
    options = ma.fields.List(ma.fields.Nested(OptionSchema))
    left = ma.fields.List(ma.fields.Nested(OptionSchema))
    right = ma.fields.List(ma.fields.Nested(OptionSchema))


class ReviewSchema(ma.Schema):
    question_id = ma.fields.Integer(required=True)
    score = ma.fields.Float(allow_none=True)
    correct = ma.fields.Boolean(required=True)
    feedback_html = ma.fields.String(required=True)
    right_answer = ma.fields.Raw(allow_none=True)
    comment = ma.fields.String(allow_none=True)


class AttemptSchema(ma.Schema):
    """``Attempt`` while in progress, ``AttemptResult`` once finished (api.md)."""

    id = ma.fields.Integer(required=True)
    quiz_id = ma.fields.Integer(required=True)
    number = ma.fields.Integer(required=True)
    state = ma.fields.String(required=True, metadata={"description": "in_progress | needs_grading | finished"})
    started_at = ma.fields.String(required=True)
    deadline = ma.fields.String(allow_none=True, metadata={"description": "in progress only"})
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema), metadata={"description": "in progress only"})
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True))
    saved_at = ma.fields.String(allow_none=True)
    seconds_left = ma.fields.Integer(allow_none=True)
    grace_seconds = ma.fields.Integer()
    server_time = ma.fields.String()
    finished_at = ma.fields.String(allow_none=True, metadata={"description": "finished only"})
    score = ma.fields.Float(allow_none=True)
    max_score = ma.fields.Float(allow_none=True)
    grade = ma.fields.Float(allow_none=True)
    passed = ma.fields.Boolean(allow_none=True)
    review = ma.fields.List(ma.fields.Nested(ReviewSchema), allow_none=True)


class AnswersSchema(StrictSchema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(max=20)),
        values=ma.fields.Raw(allow_none=True),
        required=True,
        validate=ma.validate.Length(max=500),
    )


class SubmitSchema(StrictSchema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(max=20)),
        values=ma.fields.Raw(allow_none=True),
        validate=ma.validate.Length(max=500),
    )


class SavedSchema(ma.Schema):
    saved = ma.fields.Integer(required=True)
    saved_at = ma.fields.String(allow_none=True)


class GradeSchema(StrictSchema):
    question_id = ma.fields.Integer(required=True)
    score = ma.fields.Decimal(required=True, places=4, allow_nan=False)
    comment = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=5000))


class OverrideInSchema(StrictSchema):
    extra_minutes = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=1440))
    extra_attempts = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=100))
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


class OverrideSchema(ma.Schema):
    username = ma.fields.String(required=True)
    extra_minutes = ma.fields.Integer(required=True)
    extra_attempts = ma.fields.Integer(required=True)
    reason = ma.fields.String(required=True)
    set_by = ma.fields.String(required=True)
    set_at = ma.fields.String(required=True)


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def attempt_body(context: AttemptContext, viewer: User) -> dict[str, Any]:
    """The API's ``Attempt`` (in progress) or ``AttemptResult``; never the key while in progress."""
    attempt = context.attempt
    body: dict[str, Any] = {
        "id": attempt.id,
        "quiz_id": attempt.quiz_id,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": iso(attempt.started_at),
    }
    if attempt.state == IN_PROGRESS:
        moment = now()
        body |= {
            "deadline": iso(attempt.deadline_at),
            "questions": presented_questions(context),
            "answers": saved_answer_map(context),
            "saved_at": iso(attempt.saved_at),
            "seconds_left": seconds_left(attempt, moment),
            "grace_seconds": grace_seconds(),
            "server_time": iso(moment),
        }
        return body
    shown = review_allowed(context, viewer)
    return body | {
        "finished_at": iso(attempt.finished_at),
        "score": _number(attempt.score),
        "max_score": _number(attempt.max_score),
        "grade": _number(attempt.grade),
        "passed": attempt.is_passed,
        "review": [item.body() for item in review_items(context)] if shown else None,
    }


@blp.get("/quizzes/<int:quiz_id>")
@errors(e403="not_enrolled, enrolment_pending, locked, " + ATTEMPT_ERRORS, e404="not_found")
@authenticated()
@blp.response(200, QuizSchema)
def get_quiz(quiz_id: int) -> dict[str, Any]:
    """A quiz's settings with the caller's attempts, grade and open attempt."""
    summary = quiz_summary(api_user(), quiz_id)
    db.session.commit()  # an overdue attempt may have been finished on this touch
    quiz, open_attempt = summary.quiz, summary.open_attempt
    return {
        "id": quiz.id,
        "title": quiz.title,
        "pass": float(quiz.pass_percent),
        "attempts_allowed": summary.attempts_allowed,
        "attempts_used": summary.attempts_used,
        "time_limit_minutes": summary.time_limit_minutes,
        "grading": quiz.grading,
        "review": quiz.review,
        "question_count": summary.question_count,
        "grade": _number(summary.grade),
        "passed": summary.passed,
        "open_attempt": open_attempt.id if open_attempt is not None else None,
        "completed": summary.item.completed,
    }


@blp.post("/quizzes/<int:quiz_id>/attempts")
@errors(e403="not_enrolled, enrolment_pending, locked", e404="not_found", e409="no_attempts_left, quiz_empty")
@authenticated()
@blp.response(201, AttemptSchema)
@blp.alt_response(200, schema=AttemptSchema, description="the caller's open attempt, resumed", success=True)
def start_attempt(quiz_id: int) -> Any:
    """Start an attempt, or resume the caller's open one (never two open attempts)."""
    user = api_user()
    context, created = attempts.start_or_resume(user, quiz_id)
    db.session.commit()
    return attempt_body(context, user), 201 if created else 200


@blp.get("/attempts/<int:attempt_id>")
@errors(e404="not_found")
@authenticated()
@blp.response(200, AttemptSchema)
def get_attempt(attempt_id: int) -> dict[str, Any]:
    """An attempt: the owner, the course's instructors, the owner's coordinators, admins (others: 404).
    An overdue attempt is finished with its saved answers on this touch."""
    user = api_user()
    context = attempts.visible_attempt(user, attempt_id)
    attempts.touch(context)
    db.session.commit()
    return attempt_body(context, user)


@blp.put("/attempts/<int:attempt_id>/answers")
@errors(e404="not_found", e409="attempt_closed", e422="invalid_answer")
@authenticated()
@blp.arguments(AnswersSchema)
@blp.response(200, SavedSchema)
def save_answers(body: dict[str, Any], attempt_id: int) -> dict[str, Any]:
    """Autosave: merge answers into what was saved."""
    context, saved = attempts.save_answers(api_user(), attempt_id, body["answers"])
    db.session.commit()
    return {"saved": saved, "saved_at": iso(context.attempt.saved_at)}


@blp.post("/attempts/<int:attempt_id>/submit")
@errors(e404="not_found", e422="invalid_answer")
@authenticated()
@blp.arguments(SubmitSchema, required=False)
@blp.response(200, AttemptSchema)
def submit_attempt(body: dict[str, Any], attempt_id: int) -> dict[str, Any]:
    """Save the answers given (when in time), then finish; a finished attempt's result is returned unchanged."""
    user = api_user()
    context = attempts.submit(user, attempt_id, body.get("answers"))
    db.session.commit()
    return attempt_body(context, user)


@blp.post("/attempts/<int:attempt_id>/grades")
@errors(e403="forbidden", e404="not_found", e422="invalid")
@authenticated()
@blp.arguments(GradeSchema)
@blp.response(200, AttemptSchema)
def grade_essay(body: dict[str, Any], attempt_id: int) -> dict[str, Any]:
    """Grade an answered essay (instructor of the course or admin)."""
    user = api_user()
    context = attempts.grade_essay(user, attempt_id, body["question_id"], body["score"], body.get("comment"))
    db.session.commit()
    return attempt_body(context, user)


@blp.put("/quizzes/<int:quiz_id>/overrides/<username>")
@errors(e403="forbidden", e404="not_found", e422="invalid")
@authenticated()
@blp.arguments(OverrideInSchema)
@blp.response(200, OverrideSchema)
def put_override(body: dict[str, Any], quiz_id: int, username: str) -> dict[str, Any]:
    """Give one learner extra minutes or attempts on this quiz (instructor of the course, the learner's
    coordinator, admin)."""
    user = api_user()
    override = set_override(user, quiz_id, username, **body)
    db.session.commit()
    return {
        "username": username.strip().lower(),
        "extra_minutes": override.extra_minutes,
        "extra_attempts": override.extra_attempts,
        "reason": override.reason,
        "set_by": user.username,
        "set_at": iso(override.set_at),
    }
