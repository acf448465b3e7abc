"""Enrolment API: enrol yourself and withdraw a request; list, bulk enrol, approve, reject, unenrol."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from elearn.api.auth import api_user, authenticated, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.api.schemas import PageArgsSchema, StrictSchema
from elearn.catalogue.policy import enrols_others
from elearn.catalogue.queries import live_course
from elearn.core.time import iso
from elearn.enrolment import services
from elearn.enrolment.models import MAX_REASON, STATUSES
from elearn.extensions import db
from elearn.progress.queries import list_enrolments

blp = Blueprint("api_enrolment", __name__, url_prefix="/api/v1", description="Enrolment")


class EnrolSchema(StrictSchema):
    key = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200))
    reason = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(max=MAX_REASON),
        metadata={"description": "why the caller asks to join (approval courses; kept for the approver)"},
    )


class EnrolmentStatusSchema(ma.Schema):
    status = ma.fields.String(
        required=True, metadata={"description": "active | pending | rejected | withdrawn | unenrolled"}
    )


class RejectSchema(StrictSchema):
    reason = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_REASON),
        metadata={"description": "shown to the learner"},
    )


class EnrolmentListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    unit = ma.fields.String(validate=ma.validate.Length(max=1000), metadata={"description": "this unit and below"})
    q = ma.fields.String(validate=ma.validate.Length(max=100), metadata={"description": "name, username or NIP"})


class EnrolmentItemSchema(ma.Schema):
    username = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    unit = ma.fields.String(allow_none=True)
    status = ma.fields.String(required=True)
    enrolled_at = ma.fields.String(required=True)
    progress_percent = ma.fields.Integer(required=True)
    completed_at = ma.fields.String(allow_none=True)
    request_reason = ma.fields.String(allow_none=True, metadata={"description": "the learner's reason for asking"})
    decision_reason = ma.fields.String(allow_none=True, metadata={"description": "why it was rejected"})
    ended_at = ma.fields.String(allow_none=True, metadata={"description": "when it was rejected, withdrawn or ended"})


class EnrolmentListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EnrolmentItemSchema), required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)


class BulkEnrolSchema(StrictSchema):
    usernames = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=64)),
        required=True,
        validate=ma.validate.Length(max=10000),
        metadata={"description": "usernames (or NIPs)"},
    )


class BulkResultSchema(ma.Schema):
    enrolled = ma.fields.List(ma.fields.String(), required=True)
    already = ma.fields.List(ma.fields.String(), required=True)
    # "unknown" would shadow Schema.unknown (the unknown-fields policy).
    unknown_names = ma.fields.List(ma.fields.String(), required=True, data_key="unknown", attribute="unknown")
    forbidden = ma.fields.List(ma.fields.String(), required=True)


@blp.post("/courses/<code>/enrolment")
@errors(e403="wrong_key, enrolment_closed, password_change_required", e404="not_found", e422="invalid")
@authenticated()
@blp.arguments(EnrolSchema, required=False)
@blp.response(201, EnrolmentStatusSchema)
@blp.alt_response(200, schema=EnrolmentStatusSchema, description="already enrolled", success=True)
def enrol(body: dict[str, Any], code: str) -> Any:
    """Enrol the caller (``pending`` for approval courses)."""
    enrolment, created = services.enrol(api_user(), live_course(code), body.get("key"), body.get("reason"))
    db.session.commit()
    return {"status": enrolment.status}, 201 if created else 200


@blp.post("/courses/<code>/enrolment/withdraw")
@errors(e404="not_found", e409="not_pending (no pending request to withdraw)")
@authenticated()
@blp.response(200, EnrolmentStatusSchema)
def withdraw(code: str) -> dict[str, str]:
    """Withdraw the caller's own pending request (200 again once withdrawn)."""
    enrolment = services.withdraw(api_user(), live_course(code))
    db.session.commit()
    return {"status": enrolment.status}


@blp.get("/courses/<code>/enrolments")
@errors(e404="not_found", e422="invalid")
@authenticated()
@blp.arguments(EnrolmentListArgsSchema, location="query")
@blp.response(200, EnrolmentListSchema)
def enrolments(args: dict[str, Any], code: str) -> dict[str, Any]:
    """Who is enrolled, with progress (instructor of it, coordinator: own units, admin)."""
    page = list_enrolments(
        services.actor_of(api_user()),
        live_course(code),
        status=args.get("status"),
        unit=args.get("unit"),
        q=args.get("q"),
        page=args["page"],
        per_page=args["per_page"],
    )
    return {
        "items": [
            {
                "username": row.user.username,
                "name": row.user.name,
                "unit": row.user.unit_path,
                "status": row.enrolment.status,
                "enrolled_at": iso(row.enrolment.enrolled_at),
                "progress_percent": row.progress_percent,
                "completed_at": iso(row.enrolment.completed_at),
                "request_reason": row.enrolment.request_reason,
                "decision_reason": row.enrolment.decision_reason,
                "ended_at": iso(row.enrolment.ended_at),
            }
            for row in page.items
        ],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


@blp.post("/courses/<code>/enrolments")
@errors(e404="not_found", e422="invalid")
@authenticated(may=lambda user: enrols_others(services.actor_of(user)))
@blp.arguments(BulkEnrolSchema)
@blp.response(200, BulkResultSchema)
def bulk_enrol(body: dict[str, Any], code: str) -> Any:
    """Enrol people in bulk (coordinator: own units; admin: anyone)."""
    result = services.bulk_enrol(services.actor_of(api_user()), live_course(code), body["usernames"])
    db.session.commit()
    return result


@blp.post("/courses/<code>/enrolments/<username>/approve")
@errors(e404="not_found (also: a coordinator whose units do not include the person)")
@authenticated()
@blp.response(200, EnrolmentStatusSchema)
def approve(code: str, username: str) -> dict[str, str]:
    """Approve a pending enrolment."""
    enrolment = services.approve(services.actor_of(api_user()), live_course(code), username)
    db.session.commit()
    return {"status": enrolment.status}


@blp.post("/courses/<code>/enrolments/<username>/reject")
@errors(
    e404="not_found (also: a coordinator whose units do not include the person)",
    e409="not_pending (only a pending enrolment is rejected)",
    e422="invalid",
)
@authenticated()
@blp.arguments(RejectSchema)
@blp.response(200, EnrolmentStatusSchema)
def reject(body: dict[str, Any], code: str, username: str) -> dict[str, str]:
    """Reject a pending enrolment with a reason the learner reads (same deciders as approve)."""
    enrolment = services.reject_enrolment(services.actor_of(api_user()), live_course(code), username, body["reason"])
    db.session.commit()
    return {"status": enrolment.status}


@blp.post("/courses/<code>/enrolments/<username>/unenrol")
@errors(
    e404="not_found (also: a coordinator whose units do not include the person)",
    e409="not_active (only an active enrolment is ended)",
)
@authenticated()
@blp.response(200, EnrolmentStatusSchema)
def unenrol(code: str, username: str) -> dict[str, str]:
    """End an active enrolment; the person's progress is kept and comes back if enrolled again."""
    enrolment = services.unenrol(services.actor_of(api_user()), live_course(code), username)
    db.session.commit()
    return {"status": enrolment.status}
