"""Pages: the public verification page, a learner's certificates, and a coordinator's list."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from elearn.catalogue.models import Course
from elearn.catalogue.policy import Actor
from elearn.certificates import queries, services
from elearn.certificates.downloads import pdf_response
from elearn.certificates.forms import IssueForm, RevokeForm
from elearn.certificates.queries import CertificateFilters, scoped_unit
from elearn.enrolment.services import actor_of
from elearn.errors import DomainError
from elearn.extensions import db

bp = Blueprint("certificates", __name__)
PER_PAGE = 50
MAX_PAGE = 100_000


@bp.get("/verify/<code>")
def verify(code: str) -> Any:
    """The public verification page (no sign-in): valid or revoked, with a masked NIP."""
    certificate = queries.verify(code, request.remote_addr or "")
    return render_template(
        "certificates/verify.html", certificate=certificate, nip_masked=queries.mask_nip(certificate.nip)
    )


@bp.get("/certificates")
@login_required
def mine() -> Any:
    """The signed-in learner's certificates."""
    page = queries.own_certificates(current_user.id, page=_page_number(), per_page=PER_PAGE)
    return render_template("certificates/mine.html", page=page)


@bp.get("/certificates/<code>/pdf")
@login_required
def pdf(code: str) -> Response:
    """The stored PDF (owner, coordinator of the owner, admin; 404 for anyone else)."""
    certificate, _owner = services.certificate_for(actor_of(current_user), code)
    return pdf_response(certificate.number, services.pdf_of(certificate))


def filters_from_args() -> CertificateFilters:
    """The list filters of the query string (bad values are ignored)."""
    args = request.args
    year = args.get("year", "")
    status = args.get("status", "")
    return CertificateFilters(
        course=args.get("course", "").strip()[:32] or None,
        unit=args.get("unit", "").strip()[:1000] or None,
        year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
        status=status if status in ("valid", "revoked") else None,
        q=args.get("q", "").strip()[:100] or None,
    )


@bp.route("/manage/certificates", methods=["GET", "POST"])
@login_required
def manage() -> Any:
    """A coordinator's certificates: filter, issue the missing ones, revoke, download as ZIP."""
    actor = actor_of(current_user)
    filters = filters_from_args()
    scoped_unit(actor, filters.unit)  # 403 before anything else for people who manage nobody
    form = _issue_form()
    result = None
    if form.validate_on_submit():
        result = _issue(actor, form)
    page = queries.managed_certificates(actor, filters, page=_page_number(), per_page=PER_PAGE)
    return render_template(
        "certificates/manage.html", page=page, filters=filters, form=form, result=result, revoke=RevokeForm()
    )


def _issue_form() -> IssueForm:
    form = IssueForm()
    codes = db.session.execute(
        select(Course.code, Course.title)
        .where(Course.archived_at.is_(None), Course.has_certificate.is_(True))
        .order_by(Course.title)
    ).all()
    form.course.choices = [SelectChoice(code, f"{title} ({code})") for code, title in codes]
    return form


def _issue(actor: Actor, form: IssueForm) -> services.IssueResult | None:
    course = db.session.scalar(select(Course).where(Course.code == form.course.data))
    names = [n for n in re.split(r"[\s,;]+", form.names.data or "") if n]
    if course is None:
        form.course.errors = [_("Kursus tidak ditemukan.")]
        return None
    try:
        result = services.issue_for_course(actor, course, names or None)
    except DomainError as error:
        db.session.rollback()
        form.course.errors = [error.message]
        return None
    db.session.commit()
    return result


@bp.post("/manage/certificates/<code>/revoke")
@login_required
def revoke(code: str) -> Any:
    """Revoke one certificate with a reason."""
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(" ".join(str(message) for message in form.reason.errors) or _("Formulir tidak sah. Coba lagi."), "error")
        return redirect(request.referrer or url_for("certificates.manage"))
    certificate = services.revoke(actor_of(current_user), code, form.reason.data)
    db.session.commit()
    flash(_("Sertifikat %(number)s dicabut.", number=certificate.number), "success")
    return redirect(url_for("certificates.manage", q=certificate.number))


@bp.get("/manage/certificates.zip")
@login_required
def download_zip() -> Response:
    """The PDFs of the filtered list as one ZIP, streamed."""
    chunks = queries.zip_of_certificates(actor_of(current_user), filters_from_args())
    response = Response(stream_with_context(chunks), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="sertifikat.zip"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page_number() -> int:
    return min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)
