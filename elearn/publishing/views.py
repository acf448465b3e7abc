"""Pages: upload a course ZIP, see its check or preview, publish it, list and download kept uploads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.errors import Forbidden, NotFound
from elearn.extensions import db
from elearn.publishing import services
from elearn.publishing.forms import PublishForm, UploadForm
from elearn.publishing.queries import list_uploads
from elearn.publishing.services import UploadProblems
from elearn.web import body_limit

bp = Blueprint("publishing", __name__)
PER_PAGE = 50
MAX_PAGE = 100_000
#: A ZIP at the limit plus the form around it.
UPLOAD_BODY_LIMIT = services.UPLOAD_LIMITS.max_zip_bytes + 1024 * 1024


@bp.route("/manage/uploads", methods=["GET", "POST"])
@login_required
@body_limit(UPLOAD_BODY_LIMIT)
def uploads() -> Any:
    """Upload a course ZIP (checked, then previewed), and the uploads kept so far."""
    services.check_uploads_allowed(current_user)
    form = UploadForm()
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            # One byte past the limit is enough for the check to refuse the file.
            kept = services.receive_upload(
                current_user, upload.read(services.UPLOAD_LIMITS.max_zip_bytes + 1), upload.filename or ""
            )
        except UploadProblems as refused:
            db.session.rollback()
            form.file.errors = [refused.message]
            problems, status = refused.lines, 422
        except Forbidden as refused:
            db.session.rollback()
            form.file.errors = [refused.message]
            status = 403
        else:
            db.session.commit()
            return redirect(url_for("publishing.upload", upload_id=kept.id))
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    page_number = min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)
    page = list_uploads(services.actor_of(current_user), page=page_number, per_page=PER_PAGE)
    return render_template("publishing/uploads.html", form=form, problems=problems, page=page), status


@bp.get("/manage/uploads/<int:upload_id>")
@login_required
def upload(upload_id: int) -> Any:
    """The preview of a kept upload (what publishing would do, and its lessons), or what publishing did."""
    kept = services.visible_upload(current_user, upload_id)
    return render_template("publishing/upload.html", upload=kept, form=PublishForm(), problems=[])


@bp.post("/manage/uploads/<int:upload_id>/publish")
@login_required
def publish(upload_id: int) -> Any:
    """Load the kept upload in one transaction, as ``elearn content load`` would."""
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("Formulir tidak sah. Coba lagi."), "error")
        return redirect(url_for("publishing.upload", upload_id=upload_id))
    try:
        kept = services.publish_upload(current_user, upload_id)
    except UploadProblems as refused:
        db.session.rollback()
        kept = services.visible_upload(current_user, upload_id)
        flash(refused.message, "error")
        return render_template("publishing/upload.html", upload=kept, form=form, problems=refused.lines), 422
    db.session.commit()
    counts = kept.result
    flash(
        _(
            "Kursus %(code)s diterbitkan: %(created)d dibuat, %(updated)d diperbarui, %(unchanged)d tidak berubah, "
            "%(archived)d diarsipkan.",
            code=kept.course_code,
            created=counts.get("created", 0),
            updated=counts.get("updated", 0),
            unchanged=counts.get("unchanged", 0),
            archived=counts.get("archived", 0),
        ),
        "success",
    )
    return redirect(url_for("publishing.upload", upload_id=kept.id))


@bp.get("/manage/uploads/<int:upload_id>/download")
@login_required
def download(upload_id: int) -> Any:
    """The kept ZIP, as it was uploaded."""
    kept = services.visible_upload(current_user, upload_id)
    if kept.data is None:
        raise NotFound(_("Unggahan tidak ditemukan."))
    response = Response(kept.data, mimetype="application/zip")
    name = f"{kept.course_code}-{kept.id}.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
