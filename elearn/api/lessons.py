"""Lessons API: reading a lesson completes it for an enrolled learner."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from elearn.api.auth import api_user, authenticated, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.api.catalogue import ItemSchema, item_body
from elearn.core.http import json_response
from elearn.extensions import db
from elearn.progress.services import view_lesson

blp = Blueprint("api_lessons", __name__, url_prefix="/api/v1", description="Lessons")


class LessonSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    html = ma.fields.String(required=True)
    minutes = ma.fields.Integer(required=True)
    course = ma.fields.String(required=True)
    module = ma.fields.String(required=True)
    completed = ma.fields.Boolean(required=True)
    previous = ma.fields.Nested(ItemSchema, allow_none=True)
    next = ma.fields.Nested(ItemSchema, allow_none=True)


@blp.get("/lessons/<int:lesson_id>")
@errors(e403="not_enrolled, enrolment_pending, locked, password_change_required", e404="not_found")
@authenticated()
@blp.response(200, LessonSchema)
def get_lesson(lesson_id: int) -> Any:
    """A lesson's HTML with its neighbours; records it completed for an enrolled learner."""
    view = view_lesson(api_user(), lesson_id)
    db.session.commit()
    lesson = view.lesson
    return json_response(
        {
            "id": lesson.id,
            "slug": lesson.slug,
            "title": lesson.title,
            "html": lesson.html,
            "minutes": lesson.minutes,
            "course": view.access.course.code,
            "module": view.module.row.slug,
            "completed": view.item.completed,
            "previous": item_body(view.previous) if view.previous else None,
            "next": item_body(view.next) if view.next else None,
        }
    )
