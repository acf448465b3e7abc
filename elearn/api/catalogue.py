"""Catalogue API: course list, course outline, the caller's progress."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from elearn.api.auth import api_user, authenticated, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.catalogue.search import MAX_QUERY_LENGTH
from elearn.catalogue.structure import live_structure
from elearn.certificates.queries import certificate_code
from elearn.content.specs import COMPETENCIES
from elearn.core.http import json_response
from elearn.core.time import iso
from elearn.enrolment.models import CURRENT_STATUSES
from elearn.progress.access import course_access
from elearn.progress.outline import OutlineItem
from elearn.progress.queries import CourseSummary, course_summaries
from elearn.progress.services import progress_of

blp = Blueprint("api_catalogue", __name__, url_prefix="/api/v1", description="Catalogue, outline and progress")


class CourseQuerySchema(ma.Schema):
    q = ma.fields.String(
        validate=ma.validate.Length(max=MAX_QUERY_LENGTH),
        metadata={
            "description": "every word anywhere in code, title, summary, tags and lesson titles "
            "(case- and accent-insensitive; words of 3+ letters also match as prefixes)"
        },
    )
    competency = ma.fields.String(validate=ma.validate.OneOf(COMPETENCIES))


class CourseSummarySchema(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    summary = ma.fields.String()
    jp = ma.fields.Integer(required=True)
    competency = ma.fields.String()
    level = ma.fields.String()
    language = ma.fields.String()
    enrolment = ma.fields.String(metadata={"description": "open | key | approval | closed"})
    module_count = ma.fields.Integer()
    lesson_count = ma.fields.Integer()
    quiz_count = ma.fields.Integer()
    enrolled = ma.fields.Boolean()
    enrolment_status = ma.fields.String(allow_none=True)
    progress_percent = ma.fields.Integer(allow_none=True)
    tags = ma.fields.List(ma.fields.String())
    opens = ma.fields.String(allow_none=True)
    closes = ma.fields.String(allow_none=True)


class CourseListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CourseSummarySchema), required=True)


class ItemSchema(ma.Schema):
    type = ma.fields.String(required=True, metadata={"description": "lesson | quiz"})
    id = ma.fields.Integer(required=True)
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    optional = ma.fields.Boolean(required=True)
    locked = ma.fields.Boolean(required=True)
    completed = ma.fields.Boolean(required=True)
    minutes = ma.fields.Integer(allow_none=True)


class ModuleSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    position = ma.fields.Integer(required=True)
    optional = ma.fields.Boolean(required=True)
    locked = ma.fields.Boolean(required=True)
    completed = ma.fields.Boolean(required=True)
    items = ma.fields.List(ma.fields.Nested(ItemSchema), required=True)


class CourseDetailSchema(CourseSummarySchema):
    description_html = ma.fields.String(required=True)
    modules = ma.fields.List(ma.fields.Nested(ModuleSchema), required=True)


class ProgressSchema(ma.Schema):
    percent = ma.fields.Integer(required=True)
    completed_items = ma.fields.Integer(required=True)
    total_items = ma.fields.Integer(required=True)
    completed = ma.fields.Boolean(required=True)
    completed_at = ma.fields.String(allow_none=True)
    certificate = ma.fields.String(allow_none=True)


def summary_body(summary: CourseSummary) -> dict[str, Any]:
    """The API's ``CourseSummary``."""
    course, enrolment = summary.course, summary.enrolment
    # An ended enrolment (rejected, withdrawn, unenrolled) is no enrolment to the catalogue.
    status = enrolment.status if enrolment is not None and enrolment.status in CURRENT_STATUSES else None
    return {
        "code": course.code,
        "title": course.title,
        "summary": course.summary,
        "jp": course.jp,
        "competency": course.competency,
        "level": course.level,
        "language": course.language,
        "enrolment": course.enrolment,
        "module_count": summary.module_count,
        "lesson_count": summary.lesson_count,
        "quiz_count": summary.quiz_count,
        "enrolled": summary.enrolled,
        "enrolment_status": status,
        "progress_percent": summary.progress_percent,
        "tags": course.tags,
        "opens": course.opens_on.isoformat() if course.opens_on else None,
        "closes": course.closes_on.isoformat() if course.closes_on else None,
    }


def item_body(item: OutlineItem) -> dict[str, Any]:
    """The outline's ``Item`` object."""
    row = item.row
    return {
        "type": row.type,
        "id": row.id,
        "slug": row.slug,
        "title": row.title,
        "optional": item.optional,
        "locked": item.locked,
        "completed": item.completed,
        "minutes": row.minutes,
    }


@blp.get("/courses")
@errors(e422="invalid")
@authenticated()
@blp.arguments(CourseQuerySchema, location="query")
@blp.response(200, CourseListSchema)
def list_courses(args: dict[str, str]) -> Any:
    """The catalogue (archived courses left out), with the caller's enrolment and progress."""
    summaries = course_summaries(api_user().id, q=args.get("q"), competency=args.get("competency"))
    return json_response({"items": [summary_body(s) for s in summaries]})


@blp.get("/courses/<code>")
@errors(e404="not_found")
@authenticated()
@blp.response(200, CourseDetailSchema)
def get_course(code: str) -> Any:
    """A course with its modules and items in order; marks are the caller's."""
    structure = live_structure(code)
    course = structure.course
    access = course_access(api_user(), structure)
    body = summary_body(CourseSummary.of_outline(course, access.outline, access.enrolment))
    body["description_html"] = course.description_html
    body["modules"] = [
        {
            "slug": m.row.slug,
            "title": m.row.title,
            "position": m.row.position,
            "optional": m.row.is_optional,
            "locked": m.locked,
            "completed": m.completed,
            "items": [item_body(i) for i in m.items],
        }
        for m in access.outline.modules
    ]
    return json_response(body)


@blp.get("/courses/<code>/progress")
@errors(e404="not_found")
@authenticated()
@blp.response(200, ProgressSchema)
def get_progress(code: str) -> dict[str, Any]:
    """The caller's progress in a course (zero when not enrolled)."""
    structure = live_structure(code)
    course = structure.course
    progress = progress_of(course_access(api_user(), structure))
    return {
        "percent": progress.percent,
        "completed_items": progress.completed_items,
        "total_items": progress.total_items,
        "completed": progress.completed,
        "completed_at": iso(progress.completed_at),
        "certificate": certificate_code(api_user().id, course.id) if progress.completed else None,
    }
