"""Evaluation API: a course's feedback survey (read, answer once, aggregate results) and the
training-needs surveys asking the caller (list, read, answer)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from elearn.api.auth import api_user, authenticated, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.api.schemas import StrictSchema
from elearn.enrolment.services import actor_of
from elearn.evaluation import needs
from elearn.evaluation.models import NEEDS_METHODS, RELEASE_SIZE
from elearn.evaluation.queries import surveys_for
from elearn.evaluation.results import survey_results
from elearn.evaluation.surveys import answer_survey, survey_form
from elearn.extensions import db

blp = Blueprint("api_evaluation", __name__, url_prefix="/api/v1", description="Surveys and needs analysis")


class SurveyItemSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"description": "likert | single | multiple | text"})
    stem_html = ma.fields.String(required=True)
    options = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "choices' HTML (answer with their index from 0), or a Likert scale's 5 labels"},
    )
    optional = ma.fields.Boolean(required=True)


class SurveySchema(ma.Schema):
    course = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    intro_html = ma.fields.String(required=True)
    required = ma.fields.Boolean(required=True, metadata={"description": "the certificate waits for the answer"})
    answered = ma.fields.Boolean(required=True)
    open = ma.fields.Boolean(required=True, metadata={"description": "the caller may answer now"})
    items = ma.fields.List(ma.fields.Nested(SurveyItemSchema), required=True)


class SurveyAnswerSchema(StrictSchema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Regexp(r"^[0-9]{1,10}$")),
        values=ma.fields.Raw(allow_none=True),
        required=True,
        metadata={
            "description": "by item id: a Likert point 1-5, an option index, a list of option indexes "
            "(multiple), or text (at most 2000 characters)"
        },
    )


class SurveyAnsweredSchema(ma.Schema):
    answered = ma.fields.Boolean(required=True)
    certificate = ma.fields.String(allow_none=True, metadata={"description": "the code of a certificate it released"})


class OptionCountSchema(ma.Schema):
    label_html = ma.fields.String(required=True)
    count = ma.fields.Integer(required=True)
    percent = ma.fields.Float(allow_none=True)


class ItemResultSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    stem_html = ma.fields.String(required=True)
    answered = ma.fields.Integer(required=True)
    mean = ma.fields.Float(allow_none=True)
    options = ma.fields.List(ma.fields.Nested(OptionCountSchema), required=True)
    texts = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "in an order of their own"})


class SurveyResultsSchema(ma.Schema):
    course = ma.fields.String(required=True)
    scope = ma.fields.String(allow_none=True, metadata={"description": "a coordinator's unit subtree"})
    threshold = ma.fields.Integer(required=True)
    shown = ma.fields.Boolean(required=True, metadata={"description": "false below the threshold: nothing at all"})
    released = ma.fields.Integer(required=True, metadata={"description": "responses counted: a multiple of 5"})
    items = ma.fields.List(ma.fields.Nested(ItemResultSchema), required=True)


def _values(value: Any) -> list[str]:
    """One answer as the checker reads it (each value as text; anything else cannot match)."""
    if isinstance(value, list):
        return [_one(item) for item in value]
    return [] if value is None else [_one(value)]


def _one(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return "\x00"
    return str(value)


@blp.get("/courses/<code>/survey")
@errors(e403="not_enrolled", e404="not_found")
@authenticated()
@blp.response(200, SurveySchema)
def get_survey(code: str) -> dict[str, Any]:
    """The course's feedback survey (enrolled learners and the course's staff)."""
    form = survey_form(api_user(), code)
    return {
        "course": form.course.code,
        "title": form.survey.title,
        "intro_html": form.survey.intro_html,
        "required": form.survey.is_required,
        "answered": form.answered,
        "open": form.is_open,
        "items": [
            {"id": i.id, "kind": i.kind, "stem_html": i.stem_html, "options": list(i.options), "optional": i.optional}
            for i in form.survey.items
        ],
    }


@blp.post("/courses/<code>/survey")
@errors(
    e403="not_enrolled, survey_not_open (the course is not completed yet)",
    e404="not_found",
    e409="already_answered (one answer each: it cannot be changed)",
    e422="invalid (fields: item-<id>)",
)
@authenticated()
@blp.arguments(SurveyAnswerSchema)
@blp.response(201, SurveyAnsweredSchema)
def post_survey(body: dict[str, Any], code: str) -> tuple[dict[str, Any], int]:
    """Answer the survey, anonymously and once; releases the certificate that waited for it."""
    given = {int(key): _values(value) for key, value in body["answers"].items()}
    certificate = answer_survey(api_user(), code, given)
    db.session.commit()
    return {"answered": True, "certificate": certificate.code if certificate is not None else None}, 201


@blp.get("/courses/<code>/survey/results")
@errors(e403="forbidden", e404="not_found")
@authenticated()
@blp.response(200, SurveyResultsSchema)
def get_survey_results(code: str) -> dict[str, Any]:
    """Aggregates only, from five released responses on (instructors and admins: the course;
    coordinators: their units)."""
    results = survey_results(actor_of(api_user()), code)
    return {
        "course": results.course.code,
        "scope": results.scope,
        "threshold": RELEASE_SIZE,
        "shown": results.shown,
        "released": results.released,
        "items": [
            {
                "id": r.item.id,
                "kind": r.item.kind,
                "stem_html": r.item.stem_html,
                "answered": r.answered,
                "mean": r.mean,
                "options": [vars(option) for option in r.options],
                "texts": r.texts,
            }
            for r in results.items
        ],
    }


class NeedsTopicSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    competency = ma.fields.String(required=True)
    title = ma.fields.String(required=True)


class NeedsSurveySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    intro = ma.fields.String(required=True)
    opens_on = ma.fields.String(required=True)
    closes_on = ma.fields.String(required=True)
    open = ma.fields.Boolean(required=True)
    answered = ma.fields.Boolean(required=True)


class NeedsSurveyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NeedsSurveySchema), required=True)


class NeedsFormSchema(NeedsSurveySchema):
    topics = ma.fields.List(ma.fields.Nested(NeedsTopicSchema), required=True)
    methods = ma.fields.List(ma.fields.String(), required=True)
    ratings = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)
    method = ma.fields.String(allow_none=True)
    comment = ma.fields.String(required=True)


class NeedsAnswerSchema(StrictSchema):
    ratings = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Regexp(r"^[0-9]{1,10}$")),
        values=ma.fields.Integer(),
        required=True,
        metadata={"description": "by topic id: 1 (not needed) to 5 (much needed)"},
    )
    method = ma.fields.String(required=True, validate=ma.validate.OneOf(NEEDS_METHODS))
    comment = ma.fields.String(load_default="", validate=ma.validate.Length(max=needs.MAX_COMMENT))


def _needs_body(survey: Any, answered: bool, is_open: bool) -> dict[str, Any]:
    return {
        "id": survey.id,
        "title": survey.title,
        "intro": survey.intro,
        "opens_on": survey.opens_on.isoformat(),
        "closes_on": survey.closes_on.isoformat(),
        "open": is_open,
        "answered": answered,
    }


@blp.get("/needs-surveys")
@authenticated()
@blp.response(200, NeedsSurveyListSchema)
def list_needs() -> dict[str, Any]:
    """Open needs surveys asking the caller (published to their unit or a unit above it)."""
    return {"items": [_needs_body(w.survey, w.answered, True) for w in surveys_for(api_user())]}


@blp.get("/needs-surveys/<int:survey_id>")
@errors(e404="not_found")
@authenticated()
@blp.response(200, NeedsFormSchema)
def get_needs(survey_id: int) -> dict[str, Any]:
    """A needs survey asking the caller, with their answer so far."""
    form = needs.answer_form(api_user(), survey_id)
    values = form.values()
    return {
        **_needs_body(form.survey, form.response is not None, form.open),
        "topics": [{"id": t.id, "competency": t.competency, "title": t.title} for t in form.topics],
        "methods": list(NEEDS_METHODS),
        "ratings": {str(topic): int(rating) for topic, rating in values["ratings"].items()},
        "method": values["method"] or None,
        "comment": values["comment"],
    }


@blp.put("/needs-surveys/<int:survey_id>/response")
@errors(e404="not_found", e409="closed (outside the window)", e422="invalid (fields: rating-<topic id>, method)")
@authenticated()
@blp.arguments(NeedsAnswerSchema)
@blp.response(200, NeedsSurveySchema)
def put_needs(body: dict[str, Any], survey_id: int) -> dict[str, Any]:
    """Answer (or replace one's answer to) a needs survey within its window."""
    values = {
        "ratings": {int(topic): str(rating) for topic, rating in body["ratings"].items()},
        "method": body["method"],
        "comment": body.get("comment", ""),
    }
    needs.answer(api_user(), survey_id, values)
    db.session.commit()
    form = needs.answer_form(api_user(), survey_id)
    return _needs_body(form.survey, True, form.open)
