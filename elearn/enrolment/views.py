"""Pages: enrol, and enrolment management for instructors and coordinators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.catalogue.policy import enrols_others
from elearn.catalogue.queries import live_course
from elearn.enrolment import services
from elearn.enrolment.bulkinput import MAX_UPLOAD_BYTES, NameProblem, UploadError, names_from_text, names_from_upload
from elearn.enrolment.forms import BulkEnrolForm, ConfirmForm, EnrolForm
from elearn.enrolment.queries import managed_courses
from elearn.errors import DomainError, Forbidden, Invalid
from elearn.extensions import db
from elearn.progress.queries import list_enrolments

bp = Blueprint("enrolment", __name__)
PER_PAGE = 50
SHOWN_PROBLEMS = 20  # a file of 10 000 bad rows must not make a page of 10 000 messages
MAX_PAGE = 100_000  # far beyond any real list; keeps OFFSET within every backend's integers


@bp.post("/courses/<code>/enrol")
@login_required
def enrol(code: str) -> Any:
    """Enrol the signed-in learner (a key course needs its key)."""
    course = live_course(code)
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            enrolment, created = services.enrol(current_user, course, form.key.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            if enrolment.status == "pending":
                flash(_("Pendaftaran Anda menunggu persetujuan."), "info")
            elif created:
                flash(_("Anda terdaftar di kursus ini. Selamat belajar!"), "success")
    else:
        flash(_("Formulir tidak sah. Coba lagi."), "error")
    return redirect(url_for("catalogue.course", code=course.code))


@bp.get("/manage")
@login_required
def manage() -> Any:
    """Courses the caller manages, with their enrolment and pending counts."""
    courses = managed_courses(services.actor_of(current_user))
    if not courses:
        raise Forbidden(_("Anda tidak mengelola kursus apa pun."))
    return render_template("enrolment/manage.html", courses=courses)


@bp.route("/manage/courses/<code>", methods=["GET", "POST"])
@login_required
def manage_course(code: str) -> Any:
    """Who is enrolled, their progress, pending approvals, and bulk enrolment."""
    course = live_course(code)
    actor = services.actor_of(current_user)
    form = BulkEnrolForm()
    result = None
    if form.validate_on_submit():
        names = _bulk_names(form)
        # Every refused row is shown, and nobody is enrolled until the list is fixed.
        refused = bool(form.names.errors or form.file.errors)
        if not names and not refused:
            form.names.errors = [_("Isi minimal satu nama pengguna atau NIP.")]
        elif not refused:
            try:
                result = services.bulk_enrol(actor, course, names)
            except Invalid as error:
                form.names.errors = [error.message]
            else:
                db.session.commit()
    page_number = min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)
    status = request.args.get("status") if request.args.get("status") in ("active", "pending") else None
    page = list_enrolments(actor, course, status=status, page=page_number, per_page=PER_PAGE)
    pending = list_enrolments(actor, course, status="pending", page=1, per_page=PER_PAGE)
    return render_template(
        "enrolment/manage_course.html",
        course=course,
        page=page,
        pending=pending,
        status=status,
        form=form,
        confirm=ConfirmForm(),
        result=result,
        can_enrol=enrols_others(actor),
    )


def _bulk_names(form: BulkEnrolForm) -> list[str]:
    """The names typed and uploaded; refused rows and an unreadable file become the fields' errors."""
    typed = names_from_text(form.names.data or "")
    names = [entry.name for entry in typed.entries]
    form.names.errors = _problem_messages(typed.problems)
    if form.file.data:
        try:
            # One byte past the limit is enough for the reader to refuse the file.
            uploaded = names_from_upload(form.file.data.filename or "", form.file.data.read(MAX_UPLOAD_BYTES + 1))
        except UploadError as error:
            form.file.errors = [error.message]
        else:
            names += [entry.name for entry in uploaded.entries]
            form.file.errors = _problem_messages(uploaded.problems)
    return names


def _problem_messages(problems: tuple[NameProblem, ...]) -> list[str]:
    """The first refused rows' messages, and how many more there are."""
    messages = [problem.message for problem in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        messages.append(_("... dan %(count)d baris lain yang ditolak.", count=len(problems) - SHOWN_PROBLEMS))
    return messages


@bp.post("/manage/courses/<code>/approve/<username>")
@login_required
def approve(code: str, username: str) -> Any:
    """Approve one pending enrolment (CSRFProtect has checked the form's token)."""
    course = live_course(code)
    services.approve(services.actor_of(current_user), course, username)
    db.session.commit()
    flash(_("Pendaftaran %(username)s disetujui.", username=username), "success")
    return redirect(url_for("enrolment.manage_course", code=course.code))
