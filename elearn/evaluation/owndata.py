"""The evaluation part of a person's data export: their training-needs answers, and which feedback
surveys they answered.

Feedback-survey answers themselves are not exported: they are stored without the person's id,
so nothing can tell which response is theirs (that is what makes them anonymous). The export says
only that they answered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn.accounts.models import Unit, User
from elearn.catalogue.models import Course
from elearn.core.owndata import section
from elearn.evaluation.models import NeedsRating, NeedsResponse, NeedsSurvey, NeedsTopic, Survey, SurveySubmission
from elearn.extensions import db


@section("needs_answers", order=74)
def needs_answers(user: User) -> list[dict[str, Any]]:
    """Each needs survey they answered: its title, their unit then, every rating, method and comment."""
    responses = db.session.execute(
        select(NeedsResponse, NeedsSurvey.title, Unit.path)
        .join(NeedsSurvey, NeedsSurvey.id == NeedsResponse.survey_id)
        .outerjoin(Unit, Unit.id == NeedsResponse.unit_id)
        .where(NeedsResponse.user_id == user.id)
        .order_by(NeedsResponse.submitted_at, NeedsResponse.id)
    ).all()
    ratings: dict[int, list[dict[str, Any]]] = {}
    ids = [response.id for response, _title, _unit in responses]
    for response_id, topic, competency, rating in db.session.execute(
        select(NeedsRating.response_id, NeedsTopic.title, NeedsTopic.competency, NeedsRating.rating)
        .join(NeedsTopic, NeedsTopic.id == NeedsRating.topic_id)
        .where(NeedsRating.response_id.in_(ids))
        .order_by(NeedsTopic.position)
    ):
        ratings.setdefault(response_id, []).append({"topic": topic, "competency": competency, "rating": rating})
    return [
        {
            "survey": title,
            "unit": unit,
            "submitted_at": response.submitted_at,
            "method": response.method,
            "comment": response.comment,
            "ratings": ratings.get(response.id, []),
        }
        for response, title, unit in responses
    ]


@section("feedback_surveys", order=76)
def feedback_surveys(user: User) -> dict[str, Any]:
    """The courses whose feedback survey they answered (the answers are anonymous: not exportable)."""
    rows = db.session.execute(
        select(Course.code, Survey.title)
        .join(Survey, Survey.course_id == Course.id)
        .join(SurveySubmission, SurveySubmission.survey_id == Survey.id)
        .where(SurveySubmission.user_id == user.id)
        .order_by(Course.code)
    )
    return {
        "note": "Survey answers are stored without your identity, so they cannot be found or exported.",
        "answered": [{"course": code, "survey": title} for code, title in rows],
    }
