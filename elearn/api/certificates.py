"""Certificates API: own list, one certificate and its PDF, revoke, issue, public verification."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, request, stream_with_context

from elearn.api.auth import api_user, authenticated, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.api.schemas import PageArgsSchema, StrictSchema
from elearn.catalogue.policy import enrols_others
from elearn.catalogue.queries import live_course
from elearn.certificates import queries, services
from elearn.certificates.downloads import pdf_response
from elearn.certificates.models import Certificate
from elearn.certificates.queries import CertificateFilters, CertificatePage
from elearn.core.time import iso
from elearn.enrolment.services import actor_of
from elearn.extensions import db

blp = Blueprint("api_certificates", __name__, url_prefix="/api/v1", description="Certificates and verification")


class CertificateSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "100 random bits, Crockford base32"})
    number = ma.fields.String(required=True)
    username = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    nip = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    position = ma.fields.String(allow_none=True)
    course = ma.fields.String(required=True)
    course_title = ma.fields.String(required=True)
    jp = ma.fields.Integer(required=True)
    completed_at = ma.fields.String(required=True)
    issued_at = ma.fields.String(required=True)
    revoked = ma.fields.Boolean(required=True)
    revoked_at = ma.fields.String(allow_none=True)
    revoked_reason = ma.fields.String(allow_none=True)
    signed = ma.fields.Boolean(required=True)
    verify_url = ma.fields.String(required=True)


class CertificateListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CertificateSchema), required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)


class ManagedArgsSchema(PageArgsSchema):
    course = ma.fields.String(validate=ma.validate.Length(max=32))
    unit = ma.fields.String(validate=ma.validate.Length(max=1000))
    year = ma.fields.Integer(validate=ma.validate.Range(min=2000, max=2100))
    status = ma.fields.String(validate=ma.validate.OneOf(["valid", "revoked"]))
    q = ma.fields.String(validate=ma.validate.Length(max=100))


class ZipArgsSchema(ma.Schema):
    course = ma.fields.String(validate=ma.validate.Length(max=32))
    unit = ma.fields.String(validate=ma.validate.Length(max=1000))
    year = ma.fields.Integer(validate=ma.validate.Range(min=2000, max=2100))
    status = ma.fields.String(validate=ma.validate.OneOf(["valid", "revoked"]))
    q = ma.fields.String(validate=ma.validate.Length(max=100))


class RevokeSchema(StrictSchema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(max=1000))


class IssueSchema(StrictSchema):
    usernames = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=64)), validate=ma.validate.Length(max=10000)
    )


class SkippedSchema(ma.Schema):
    username = ma.fields.String(required=True)
    reason = ma.fields.String(
        required=True,
        metadata={"description": "unknown | out_of_scope | already_issued | not_completed | survey_pending"},
    )


class IssueResultSchema(ma.Schema):
    issued = ma.fields.List(ma.fields.String(), required=True)
    skipped = ma.fields.List(ma.fields.Nested(SkippedSchema), required=True)


class VerificationSchema(ma.Schema):
    valid = ma.fields.Boolean(required=True)
    name = ma.fields.String(required=True)
    nip_masked = ma.fields.String(allow_none=True)
    course_title = ma.fields.String(required=True)
    jp = ma.fields.Integer(required=True)
    issued_at = ma.fields.String(required=True)
    completed_at = ma.fields.String(required=True)
    revoked = ma.fields.Boolean(required=True)
    revoked_reason = ma.fields.String(allow_none=True)
    number = ma.fields.String(required=True)


def certificate_body(certificate: Certificate, username: str) -> dict[str, Any]:
    """The API's ``Certificate``."""
    return {
        "code": certificate.code,
        "number": certificate.number,
        "username": username,
        "name": certificate.name,
        "nip": certificate.nip,
        "unit": certificate.unit,
        "position": certificate.position,
        "course": certificate.course_code,
        "course_title": certificate.course_title,
        "jp": certificate.jp,
        "completed_at": iso(certificate.completed_at),
        "issued_at": iso(certificate.issued_at),
        "revoked": certificate.is_revoked,
        "revoked_at": iso(certificate.revoked_at),
        "revoked_reason": certificate.revoked_reason,
        "signed": certificate.is_signed,
        "verify_url": services.verify_url(certificate.code),
    }


def page_body(page: CertificatePage) -> dict[str, Any]:
    """A page of certificates."""
    return {
        "items": [certificate_body(c, owner.username) for c, owner in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


@blp.get("/certificates")
@errors(e422="invalid")
@authenticated()
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, CertificateListSchema)
def list_own(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's own certificates, newest first."""
    return page_body(queries.own_certificates(api_user().id, page=args["page"], per_page=args["per_page"]))


@blp.get("/certificates/managed")
@errors(e403="forbidden (also: a unit outside the coordinator's scope)", e422="invalid")
@authenticated(may=lambda user: enrols_others(actor_of(user)))
@blp.arguments(ManagedArgsSchema, location="query")
@blp.response(200, CertificateListSchema)
def list_managed(args: dict[str, Any]) -> dict[str, Any]:
    """Certificates of the people a coordinator manages (admin: everyone), filtered, newest first."""
    page, per_page = args.pop("page"), args.pop("per_page")
    filters = CertificateFilters(**args)
    return page_body(queries.managed_certificates(actor_of(api_user()), filters, page=page, per_page=per_page))


@blp.get("/certificates/managed.zip")
@errors(e403="forbidden (also: a unit outside the coordinator's scope)", e422="invalid")
@authenticated(may=lambda user: enrols_others(actor_of(user)))
@blp.arguments(ZipArgsSchema, location="query")
@blp.response(200, description="application/zip of the stored PDFs, streamed")
def download_managed(args: dict[str, Any]) -> Response:
    """The PDFs of the filtered list as one ZIP, streamed."""
    chunks = queries.zip_of_certificates(actor_of(api_user()), CertificateFilters(**args))
    response = Response(stream_with_context(chunks), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="sertifikat.zip"'
    return response


@blp.get("/certificates/<code>")
@errors(e404="not_found (also: somebody else's certificate)")
@authenticated()
@blp.response(200, CertificateSchema)
def get_one(code: str) -> dict[str, Any]:
    """One certificate (owner, coordinator of the owner, admin)."""
    certificate, owner = services.certificate_for(actor_of(api_user()), code)
    return certificate_body(certificate, owner.username)


@blp.get("/certificates/<code>/pdf")
@errors(e404="not_found (also: somebody else's certificate)")
@authenticated()
@blp.response(200, description="application/pdf, exactly as issued")
def get_pdf(code: str) -> Response:
    """The stored PDF."""
    certificate, _owner = services.certificate_for(actor_of(api_user()), code)
    return pdf_response(certificate.number, services.pdf_of(certificate))


@blp.post("/certificates/<code>/revoke")
@errors(e403="forbidden", e404="not_found", e422="invalid (a reason is required)")
@authenticated()
@blp.arguments(RevokeSchema)
@blp.response(200, CertificateSchema)
def revoke(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Revoke a certificate with a reason (coordinator of the owner, admin)."""
    certificate = services.revoke(actor_of(api_user()), code, body["reason"])
    db.session.commit()
    certificate, owner = services.certificate_for(actor_of(api_user()), code)
    return certificate_body(certificate, owner.username)


@blp.post("/courses/<code>/certificates")
@errors(e404="not_found", e409="conflict (the course gives no certificate)", e422="invalid")
@authenticated(may=lambda user: enrols_others(actor_of(user)))
@blp.arguments(IssueSchema, required=False)
@blp.response(200, IssueResultSchema)
def issue(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Issue certificates for completed learners who lack one (all in scope, or those named)."""
    result = services.issue_for_course(actor_of(api_user()), live_course(code), body.get("usernames"))
    db.session.commit()
    return {"issued": result.issued, "skipped": result.skipped}


@blp.get("/verify/<code>")
@errors(e404="not_found", e429="too_many_attempts")
@blp.response(200, VerificationSchema)
def verify(code: str) -> dict[str, Any]:
    """Verify a certificate: anyone, no sign-in; rate-limited per client address."""
    certificate = queries.verify(code, request.remote_addr or "")
    return {
        "valid": not certificate.is_revoked,
        "name": certificate.name,
        "nip_masked": queries.mask_nip(certificate.nip),
        "course_title": certificate.course_title,
        "jp": certificate.jp,
        "issued_at": iso(certificate.issued_at),
        "completed_at": iso(certificate.completed_at),
        "revoked": certificate.is_revoked,
        "revoked_reason": certificate.revoked_reason,
        "number": certificate.number,
    }
