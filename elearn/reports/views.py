"""Pages: "JP saya" with external records, the coordinator's review, reports and dashboard."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.catalogue.queries import live_course
from elearn.content.specs import COMPETENCIES
from elearn.enrolment.queries import managed_courses
from elearn.enrolment.services import actor_of
from elearn.errors import Forbidden, Invalid
from elearn.extensions import db
from elearn.reports import downloads, records
from elearn.reports.chart import bar_chart
from elearn.reports.courses import course_report
from elearn.reports.downloads import evidence_response
from elearn.reports.forms import COMPETENCY_LABELS, METHOD_LABELS, DecisionForm, RecordForm
from elearn.reports.ledger import current_year
from elearn.reports.models import RECORD_STATUSES
from elearn.reports.queries import dashboard, jp_report, own_year, target, years_with_entries

bp = Blueprint("reports", __name__)
PER_PAGE = 50
MAX_PAGE = 100_000


def year_arg() -> int:
    """``?year=`` when it is a plausible year, else this year (deployment time zone)."""
    year = request.args.get("year", "")
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else current_year()


def _filters() -> tuple[str | None, str | None]:
    unit = request.args.get("unit", "").strip()[:1000] or None
    competency = request.args.get("competency", "")
    return unit, competency if competency in COMPETENCIES else None


def _page_number() -> int:
    return min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"method_labels": METHOD_LABELS, "competency_labels": COMPETENCY_LABELS}


@bp.get("/jp")
@login_required
def my_jp() -> Any:
    """ "JP saya": this year's JP against the target, a bar, the list behind it; other years too."""
    year = year_arg()
    total, lines = own_year(current_user.id, year)
    return render_template(
        "reports/my_jp.html",
        year=year,
        years=years_with_entries(current_user.id),
        total=total,
        target=target(),
        lines=lines,
        records=records.own_records(current_user.id),
    )


def _input(form: RecordForm) -> records.RecordInput:
    return records.RecordInput(
        title=form.title.data or "",
        method=form.method.data or "",
        competency=form.competency.data or "",
        organiser=form.organiser.data or "",
        started_on=form.started_on.data,  # type: ignore[arg-type]  # InputRequired
        ended_on=form.ended_on.data,  # type: ignore[arg-type]
        jp=form.jp.data or 0,
    )


def _upload(form: RecordForm, limit: int) -> records.Upload | None:
    file = form.evidence.data
    if not file or not getattr(file, "filename", ""):
        return None
    # One byte past the limit is enough for the check to refuse it; nothing more is read.
    return records.Upload(file.filename or "", file.read(limit + 1))


@bp.route("/jp/records/new", methods=["GET", "POST"])
@bp.route("/jp/records/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def edit_record(record_id: int | None = None) -> Any:
    """Add (or correct) an external learning record with its evidence."""
    from flask import current_app

    record = None
    if record_id is not None:
        record, _owner = records.record_for(actor_of(current_user), record_id)
        if record.user_id != current_user.id:
            raise Forbidden(_("Hanya pemilik yang dapat mengubah catatan ini."))
    form = RecordForm(obj=record)
    if form.validate_on_submit():
        upload = _upload(form, int(current_app.config["ELEARN_EVIDENCE_MAX_BYTES"]))
        try:
            if record is None:
                records.submit_record(current_user, _input(form), upload)
            else:
                records.update_record(current_user, record.id, _input(form), upload)
        except Invalid as error:
            db.session.rollback()
            for name, message in (error.fields or {}).items():
                getattr(form, name).errors = [message]
        else:
            db.session.commit()
            flash(_("Catatan terkirim dan menunggu persetujuan koordinator."), "success")
            return redirect(url_for("reports.my_jp"))
    return render_template("reports/record_form.html", form=form, record=record)


@bp.get("/jp/records/<int:record_id>/evidence")
@login_required
def evidence(record_id: int) -> Response:
    """The evidence file (its learner, their coordinators, admins), as an attachment in a sandbox."""
    record, data = records.evidence_of(actor_of(current_user), record_id)
    return evidence_response(record.id, record.evidence_type, data)


@bp.get("/manage/jp/records")
@login_required
def review() -> Any:
    """External records waiting for (or given) a decision, of the people a coordinator manages."""
    asked = request.args.get("status", "pending")
    status = asked if asked in RECORD_STATUSES else None
    page = records.records_to_review(actor_of(current_user), status=status, page=_page_number(), per_page=PER_PAGE)
    return render_template("reports/review.html", page=page, status=status, form=DecisionForm())


@bp.post("/manage/jp/records/<int:record_id>/decide")
@login_required
def decide(record_id: int) -> Any:
    """Approve, or reject with a reason."""
    form = DecisionForm()
    approve = request.form.get("decision") == "approve"
    if not form.validate_on_submit():
        flash(_("Formulir tidak sah. Coba lagi."), "error")
        return redirect(url_for("reports.review"))
    try:
        records.decide(actor_of(current_user), record_id, approve=approve, reason=form.reason.data)
    except Invalid as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("reports.review"))
    db.session.commit()
    flash(_("Catatan disetujui.") if approve else _("Catatan ditolak."), "success")
    return redirect(url_for("reports.review"))


@bp.get("/reports")
@login_required
def index() -> Any:
    """The coordinator dashboard: share of staff who met the target per unit, JP distribution."""
    year = year_arg()
    unit, competency = _filters()
    board = dashboard(actor_of(current_user), year, unit=unit, competency=competency)
    chart = bar_chart(board.distribution, title=_("Sebaran JP tahun %(year)s", year=year))
    return render_template(
        "reports/dashboard.html", board=board, chart=chart, unit=unit, competency=competency, year=year
    )


@bp.get("/reports/jp")
@login_required
def jp() -> Any:
    """The JP report: everyone in scope, 0 JP included, with exports."""
    year = year_arg()
    unit, competency = _filters()
    report = jp_report(
        actor_of(current_user), year, unit=unit, competency=competency, page=_page_number(), per_page=PER_PAGE
    )
    return render_template("reports/jp.html", report=report, unit=unit, competency=competency)


@bp.get("/reports/jp.csv")
@login_required
def jp_csv() -> Response:
    """The whole JP report as CSV."""
    unit, competency = _filters()
    return downloads.jp_csv(actor_of(current_user), year_arg(), unit, competency)


@bp.get("/reports/jp.xlsx")
@login_required
def jp_xlsx() -> Response:
    """The whole JP report as XLSX."""
    unit, competency = _filters()
    return downloads.jp_xlsx(actor_of(current_user), year_arg(), unit, competency)


@bp.get("/reports/siasn.csv")
@login_required
def siasn_csv() -> Response:
    """The year's training history in SIASN's shape."""
    unit, _competency = _filters()
    return downloads.siasn_csv(actor_of(current_user), year_arg(), unit)


@bp.get("/reports/courses")
@login_required
def courses() -> Any:
    """The courses whose report the caller may open."""
    found = managed_courses(actor_of(current_user))
    if not found:
        raise Forbidden(_("Anda tidak mengelola kursus apa pun."))
    return render_template("reports/courses.html", courses=found)


@bp.get("/reports/courses/<code>")
@login_required
def course(code: str) -> Any:
    """One course's report: enrolled, completed, grades and each quiz."""
    unit, _competency = _filters()
    report = course_report(actor_of(current_user), live_course(code), unit=unit)
    gain = report.gain
    chart = None
    if gain is not None and gain.rows:
        title = _("Peserta menurut kenaikan nilai (post-test dikurangi pre-test)")
        chart = bar_chart(gain.buckets(), title=title, axis=_("poin kenaikan"))
    return render_template("reports/course.html", report=report, unit=unit, chart=chart)
