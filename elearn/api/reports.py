"""Reports API: the JP report (JSON, CSV, XLSX), the course report, SIASN export, the dashboard,
the caller's JP, and external learning records (submit, review, evidence)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, current_app
from flask_smorest.fields import Upload

from elearn.api.auth import api_user, authenticated, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.api.schemas import PageArgsSchema, StrictSchema
from elearn.catalogue.policy import enrols_others
from elearn.catalogue.queries import live_course
from elearn.content.specs import COMPETENCIES
from elearn.core.time import iso
from elearn.enrolment.services import actor_of
from elearn.extensions import db
from elearn.reports import downloads, records
from elearn.reports.courses import course_report
from elearn.reports.downloads import evidence_response
from elearn.reports.ledger import current_year
from elearn.reports.models import METHODS, RECORD_STATUSES, ExternalRecord
from elearn.reports.queries import dashboard, jp_report, own_year, target

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1", description="JP reports and learning records")
coordinating = authenticated(may=lambda user: enrols_others(actor_of(user)))
YEAR = ma.validate.Range(min=2000, max=2100)


class JpArgsSchema(PageArgsSchema):
    year = ma.fields.Integer(validate=YEAR, metadata={"description": "default: this year"})
    unit = ma.fields.String(validate=ma.validate.Length(max=1000), metadata={"description": "a unit subtree"})
    competency = ma.fields.String(validate=ma.validate.OneOf(COMPETENCIES))
    format = ma.fields.String(validate=ma.validate.OneOf(["json", "csv", "xlsx"]), load_default="json")


class JpItemSchema(ma.Schema):
    username = ma.fields.String(required=True)
    nip = ma.fields.String(allow_none=True)
    name = ma.fields.String(required=True)
    unit = ma.fields.String(allow_none=True)
    jp = ma.fields.Integer(required=True)
    met = ma.fields.Boolean(required=True)


class JpReportSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    target = ma.fields.Integer(required=True)
    items = ma.fields.List(ma.fields.Nested(JpItemSchema), required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    met_count = ma.fields.Integer(required=True)


class UnitArgsSchema(ma.Schema):
    unit = ma.fields.String(validate=ma.validate.Length(max=1000))


class YearUnitArgsSchema(UnitArgsSchema):
    year = ma.fields.Integer(validate=YEAR)
    competency = ma.fields.String(validate=ma.validate.OneOf(COMPETENCIES))


class QuizFiguresSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    attempts = ma.fields.Integer(required=True)
    average_grade = ma.fields.Float(allow_none=True)
    pass_rate = ma.fields.Float(allow_none=True, metadata={"description": "percent of learners with a grade"})


class GainRowSchema(ma.Schema):
    username = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    unit = ma.fields.String(allow_none=True)
    pre = ma.fields.Float(required=True)
    post = ma.fields.Float(required=True)
    gain = ma.fields.Float(required=True, metadata={"description": "post - pre, percentage points"})


class GainSchema(ma.Schema):
    pretest = ma.fields.String(allow_none=True, metadata={"description": "the pre-test's title"})
    posttest = ma.fields.String(allow_none=True)
    average_pre = ma.fields.Float(allow_none=True)
    average_post = ma.fields.Float(allow_none=True)
    average_gain = ma.fields.Float(allow_none=True)
    learners = ma.fields.List(ma.fields.Nested(GainRowSchema), required=True)


class CourseReportSchema(ma.Schema):
    enrolled = ma.fields.Integer(required=True)
    completed = ma.fields.Integer(required=True)
    completion_rate = ma.fields.Float(allow_none=True, metadata={"description": "percent, 2 decimals"})
    average_grade = ma.fields.Float(allow_none=True)
    quizzes = ma.fields.List(ma.fields.Nested(QuizFiguresSchema), required=True)
    gain = ma.fields.Nested(
        GainSchema, allow_none=True, metadata={"description": "learning gain: null without a pre- or post-test"}
    )


class UnitShareSchema(ma.Schema):
    unit = ma.fields.String(allow_none=True)
    people = ma.fields.Integer(required=True)
    met = ma.fields.Integer(required=True)
    percent = ma.fields.Float(required=True)


class BucketSchema(ma.Schema):
    jp = ma.fields.String(required=True)
    people = ma.fields.Integer(required=True)


class DashboardSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    target = ma.fields.Integer(required=True)
    units = ma.fields.List(ma.fields.Nested(UnitShareSchema), required=True)
    distribution = ma.fields.List(ma.fields.Nested(BucketSchema), required=True)


class YearArgsSchema(ma.Schema):
    year = ma.fields.Integer(validate=YEAR)


class LedgerEntrySchema(ma.Schema):
    source = ma.fields.String(required=True, metadata={"description": "course | external"})
    course = ma.fields.String(allow_none=True)
    title = ma.fields.String(required=True)
    method = ma.fields.String(required=True)
    competency = ma.fields.String(required=True)
    jp = ma.fields.Integer(required=True)
    started_on = ma.fields.String(required=True)
    ended_on = ma.fields.String(required=True)
    earned_at = ma.fields.String(required=True)
    certificate = ma.fields.String(allow_none=True)


class MyJpSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    target = ma.fields.Integer(required=True)
    jp = ma.fields.Integer(required=True)
    met = ma.fields.Boolean(required=True)
    entries = ma.fields.List(ma.fields.Nested(LedgerEntrySchema), required=True)


class RecordFieldsSchema(StrictSchema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    method = ma.fields.String(required=True, validate=ma.validate.OneOf(METHODS))
    competency = ma.fields.String(required=True, validate=ma.validate.OneOf(COMPETENCIES))
    organiser = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    started_on = ma.fields.Date(required=True)
    ended_on = ma.fields.Date(required=True)
    jp = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=records.MAX_JP))


class EvidenceFileSchema(ma.Schema):
    evidence = Upload(required=True, metadata={"description": "PDF, PNG, JPEG or WebP (checked by content)"})


class RecordSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    username = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    method = ma.fields.String(required=True)
    competency = ma.fields.String(required=True)
    organiser = ma.fields.String(required=True)
    started_on = ma.fields.String(required=True)
    ended_on = ma.fields.String(required=True)
    jp = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, metadata={"description": "pending | approved | rejected"})
    submitted_at = ma.fields.String(required=True)
    decided_at = ma.fields.String(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)
    evidence_type = ma.fields.String(required=True)
    evidence_size = ma.fields.Integer(required=True)


class RecordListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RecordSchema), required=True)
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class ReviewArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(RECORD_STATUSES))
    unit = ma.fields.String(validate=ma.validate.Length(max=1000))


class DecisionSchema(StrictSchema):
    reason = ma.fields.String(validate=ma.validate.Length(max=1000))


def record_body(record: ExternalRecord, username: str) -> dict[str, Any]:
    """An external learning record."""
    return {
        "id": record.id,
        "username": username,
        "title": record.title,
        "method": record.method,
        "competency": record.competency,
        "organiser": record.organiser,
        "started_on": record.started_on.isoformat(),
        "ended_on": record.ended_on.isoformat(),
        "jp": record.jp,
        "status": record.status,
        "submitted_at": iso(record.submitted_at),
        "decided_at": iso(record.decided_at),
        "decision_reason": record.decision_reason,
        "evidence_type": record.evidence_type,
        "evidence_size": record.evidence_size,
    }


@blp.get("/reports/jp")
@errors(e403="forbidden (also: a unit outside the coordinator's scope)", e422="invalid")
@coordinating
@blp.arguments(JpArgsSchema, location="query")
@blp.response(200, JpReportSchema)
@blp.alt_response(200, description="format=csv: text/csv, the whole report; format=xlsx: the same as XLSX")
def report_jp(args: dict[str, Any]) -> Any:
    """Every learner in scope with their JP of the year (0 included), paged; or the whole report as a file."""
    actor, year = actor_of(api_user()), args.get("year") or current_year()
    unit, competency = args.get("unit"), args.get("competency")
    if args["format"] == "csv":
        return downloads.jp_csv(actor, year, unit, competency)
    if args["format"] == "xlsx":
        return downloads.jp_xlsx(actor, year, unit, competency)
    report = jp_report(actor, year, unit=unit, competency=competency, page=args["page"], per_page=args["per_page"])
    return {
        "year": report.year,
        "target": report.target,
        "items": [vars(row) for row in report.items],
        "page": report.page,
        "per_page": report.per_page,
        "total": report.total,
        "met_count": report.met_count,
    }


@blp.get("/reports/siasn")
@errors(e403="forbidden (also: a unit outside the coordinator's scope)", e422="invalid")
@coordinating
@blp.arguments(YearUnitArgsSchema, location="query")
@blp.response(200, description="text/csv: completed courses and approved external records, SIASN's shape")
def report_siasn(args: dict[str, Any]) -> Response:
    """The year's training history (one row per course or record per person) in SIASN's shape."""
    return downloads.siasn_csv(actor_of(api_user()), args.get("year") or current_year(), args.get("unit"))


@blp.get("/reports/dashboard")
@errors(e403="forbidden (also: a unit outside the coordinator's scope)", e422="invalid")
@coordinating
@blp.arguments(YearUnitArgsSchema, location="query")
@blp.response(200, DashboardSchema)
def report_dashboard(args: dict[str, Any]) -> dict[str, Any]:
    """Per unit, the share of staff who met the target; and the JP distribution."""
    year = args.get("year") or current_year()
    board = dashboard(actor_of(api_user()), year, unit=args.get("unit"), competency=args.get("competency"))
    return {
        "year": board.year,
        "target": board.target,
        "units": [{"unit": u.unit, "people": u.people, "met": u.met, "percent": u.percent} for u in board.units],
        "distribution": [{"jp": label, "people": n} for label, n in board.distribution],
    }


@blp.get("/reports/courses/<code>")
@errors(e403="forbidden (also: a unit outside the coordinator's scope)", e404="not_found")
@authenticated()
@blp.arguments(UnitArgsSchema, location="query")
@blp.response(200, CourseReportSchema)
def report_course(args: dict[str, Any], code: str) -> dict[str, Any]:
    """A course's enrolment, completion and quiz figures (instructor of it, coordinator: own units, admin)."""
    report = course_report(actor_of(api_user()), live_course(code), unit=args.get("unit"))
    return {
        "enrolled": report.enrolled,
        "completed": report.completed,
        "completion_rate": report.completion_rate,
        "average_grade": report.average_grade,
        "quizzes": [vars(q) for q in report.quizzes],
        "gain": _gain_body(report.gain),
    }


def _gain_body(gain: Any) -> dict[str, Any] | None:
    """The learning gain of a course report (None without a pre-test or a post-test)."""
    if gain is None:
        return None
    return {
        "pretest": gain.pretest,
        "posttest": gain.posttest,
        "average_pre": gain.average_pre,
        "average_post": gain.average_post,
        "average_gain": gain.average_gain,
        "learners": [{**vars(row), "gain": row.gain} for row in gain.rows],
    }


@blp.get("/me/jp")
@errors(e422="invalid")
@authenticated()
@blp.arguments(YearArgsSchema, location="query")
@blp.response(200, MyJpSchema)
def my_jp(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's JP of a year against the target, and the entries behind it."""
    year = args.get("year") or current_year()
    total, lines = own_year(api_user().id, year)
    goal = target()
    entries = [
        {
            "source": line.entry.source,
            "course": None,
            "title": line.entry.title,
            "method": line.entry.method,
            "competency": line.entry.competency,
            "jp": line.entry.jp,
            "started_on": line.entry.started_on.isoformat(),
            "ended_on": line.entry.ended_on.isoformat(),
            "earned_at": iso(line.entry.earned_at),
            "certificate": line.certificate_code,
        }
        for line in lines
    ]
    return {"year": year, "target": goal, "jp": total, "met": total >= goal, "entries": entries}


@blp.get("/me/learning-records")
@authenticated()
@blp.response(200, RecordListSchema)
def my_records() -> dict[str, Any]:
    """The caller's external learning records, newest first."""
    user = api_user()
    return {"items": [record_body(r, user.username) for r in records.own_records(user.id)]}


@blp.post("/me/learning-records")
@errors(e422="invalid (fields: a bad value, or an evidence file too big or of the wrong type)")
@authenticated()
@blp.arguments(RecordFieldsSchema, location="form")
@blp.arguments(EvidenceFileSchema, location="files")
@blp.response(201, RecordSchema)
def submit_record(fields: dict[str, Any], files: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Claim JP for learning done outside elearn, with evidence (multipart form); it waits for approval."""
    file = files["evidence"]
    limit = int(current_app.config["ELEARN_EVIDENCE_MAX_BYTES"])
    upload = records.Upload(file.filename or "", file.read(limit + 1))
    record = records.submit_record(api_user(), records.RecordInput(**fields), upload)
    db.session.commit()
    return record_body(record, api_user().username), 201


@blp.get("/learning-records")
@errors(e403="forbidden (also: a unit outside the coordinator's scope)", e422="invalid")
@coordinating
@blp.arguments(ReviewArgsSchema, location="query")
@blp.response(200, RecordListSchema)
def review_records(args: dict[str, Any]) -> dict[str, Any]:
    """Records of the people a coordinator manages (admin: everyone), oldest first."""
    page = records.records_to_review(
        actor_of(api_user()),
        status=args.get("status"),
        unit=args.get("unit"),
        page=args["page"],
        per_page=args["per_page"],
    )
    return {
        "items": [record_body(r, owner.username) for r, owner in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


def _decide(record_id: int, approve: bool, reason: str | None) -> dict[str, Any]:
    records.decide(actor_of(api_user()), record_id, approve=approve, reason=reason)
    db.session.commit()
    record, owner = records.record_for(actor_of(api_user()), record_id)
    return record_body(record, owner.username)


@blp.post("/learning-records/<int:record_id>/approve")
@errors(e403="forbidden", e404="not_found", e409="conflict (already decided)")
@authenticated()
@blp.response(200, RecordSchema)
def approve_record(record_id: int) -> dict[str, Any]:
    """Approve a pending record: its JP count from now on (coordinator of the learner, admin)."""
    return _decide(record_id, True, None)


@blp.post("/learning-records/<int:record_id>/reject")
@errors(e403="forbidden", e404="not_found", e409="conflict (already decided)", e422="invalid (a reason is required)")
@authenticated()
@blp.arguments(DecisionSchema)
@blp.response(200, RecordSchema)
def reject_record(body: dict[str, Any], record_id: int) -> dict[str, Any]:
    """Reject a pending record with a reason."""
    return _decide(record_id, False, body.get("reason"))


@blp.get("/learning-records/<int:record_id>/evidence")
@errors(e404="not_found")
@authenticated()
@blp.response(200, description="the evidence file, as an attachment")
def record_evidence(record_id: int) -> Response:
    """The evidence file (its learner, their coordinators, admins)."""
    record, data = records.evidence_of(actor_of(api_user()), record_id)
    return evidence_response(record.id, record.evidence_type, data)
