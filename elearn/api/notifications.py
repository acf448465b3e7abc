"""Notifications API: the caller's notifications, newest first, and marking them read (what the header's
bell and /notifications show on the pages)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import url_for
from sqlalchemy import select

from elearn.api.auth import api_user, authenticated, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.api.schemas import PageNumberSchema, StrictSchema
from elearn.core.time import iso
from elearn.extensions import db
from elearn.notifications import queries, services
from elearn.notifications.models import Notification

blp = Blueprint("api_notifications", __name__, url_prefix="/api/v1", description="The caller's notifications")
PER_PAGE = 20


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"description": "e.g. enrolment_approved, certificate_issued"})
    message = ma.fields.String(required=True, metadata={"description": "in the caller's language"})
    link = ma.fields.String(allow_none=True, metadata={"description": "the caller's own page it is about"})
    read = ma.fields.Boolean(required=True)
    created_at = ma.fields.String(required=True)


class NotificationPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NotificationSchema), required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    unread = ma.fields.Integer(required=True)


class ReadSchema(StrictSchema):
    up_to = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=2**63 - 1),
        metadata={"description": "mark those with an id up to this one (the ones shown); all when absent"},
    )


def _item(notification: Notification) -> dict[str, Any]:
    shown = queries.shown(notification)
    link = shown["link"]
    return {
        "id": notification.id,
        "kind": notification.kind,
        "message": str(shown["message"]),
        "link": url_for(link[0], **link[1]) if link is not None else None,
        "read": notification.read_at is not None,
        "created_at": iso(notification.created_at),
    }


@blp.get("/notifications")
@errors(e422="invalid")
@authenticated()
@blp.arguments(PageNumberSchema, location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's notifications, newest first, 20 a page, and how many are unread (reading them here
    marks nothing: ``POST /notifications/read`` does)."""
    user = api_user()
    found = queries.page_of(user.id, args["page"], PER_PAGE)
    unread = db.session.scalar(select(services.unread_count_column(user.id)))
    return {
        "items": [_item(notification) for notification in found.items],
        "page": found.page,
        "per_page": found.per_page,
        "total": found.total,
        "unread": int(unread or 0),
    }


@blp.post("/notifications/read")
@errors(e422="invalid")
@authenticated()
@blp.arguments(ReadSchema, required=False)
@blp.response(204)
def mark_read(body: dict[str, Any]) -> None:
    """Mark the caller's unread notifications read (those up to ``up_to`` when given)."""
    services.mark_read(api_user().id, up_to=body.get("up_to"))
    db.session.commit()
