"""Pages: enrol and withdraw; enrolment management for instructors and coordinators (approve,
reject, unenrol, bulk enrolment, the participant list and one participant's progress)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from elearn.catalogue.models import Course
from elearn.catalogue.policy import approves_in, enrols_others
from elearn.catalogue.queries import live_course
from elearn.enrolment import services
from elearn.enrolment.bulkinput import (
    MAX_UPLOAD_BYTES,
    NameEntry,
    NameList,
    NameProblem,
    UploadError,
    names_from_text,
    names_from_upload,
)
from elearn.enrolment.forms import BulkEnrolForm, ConfirmForm, EnrolForm, RejectForm
from elearn.enrolment.models import STATUSES
from elearn.enrolment.queries import managed_courses
from elearn.errors import DomainError, Forbidden, Invalid
from elearn.extensions import db
from elearn.progress.queries import RosterFilter, list_enrolments, participant, roster_facets

bp = Blueprint("enrolment", __name__)
PER_PAGE = 50
SHOWN_PROBLEMS = 20  # a file of 10 000 bad rows must not make a page of 10 000 messages
SHOWN_NAMES = 10  # names per list kept for the result page (the session cookie stays small)
MAX_PAGE = 100_000  # far beyond any real list; keeps OFFSET within every backend's integers
RESULT_KEY = "bulk_result"
STATUS_LABELS = {
    "active": _l("Aktif"),
    "pending": _l("Menunggu"),
    "rejected": _l("Ditolak"),
    "withdrawn": _l("Dibatalkan peserta"),
    "unenrolled": _l("Dikeluarkan"),
}


@bp.context_processor
def status_labels() -> dict[str, Any]:
    """The enrolment statuses as people read them."""
    return {"status_labels": STATUS_LABELS}


@bp.post("/courses/<code>/enrol")
@login_required
def enrol(code: str) -> Any:
    """Enrol the signed-in learner (a key course needs its key; an approval course takes a reason)."""
    course = live_course(code)
    form = EnrolForm()
    if not form.validate_on_submit():
        errors = form.reason.errors or [_("Formulir tidak sah. Coba lagi.")]
        flash(str(errors[0]), "error")
    elif course.enrolment == "key" and not (form.key.data or "").strip():
        flash(_("Isi kunci pendaftaran."), "error")
    else:
        try:
            enrolment, created = services.enrol(current_user, course, form.key.data, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            if enrolment.status == "pending":
                flash(_("Pendaftaran Anda menunggu persetujuan."), "info")
            elif created:
                flash(_("Anda terdaftar di kursus ini. Selamat belajar!"), "success")
    return redirect(url_for("catalogue.course", code=course.code))


@bp.post("/courses/<code>/withdraw")
@login_required
def withdraw(code: str) -> Any:
    """Take back one's own pending enrolment request (CSRFProtect has checked the form's token)."""
    course = live_course(code)
    services.withdraw(current_user, course)
    db.session.commit()
    flash(_("Permintaan pendaftaran Anda dibatalkan."), "success")
    back = request.form.get("next", "")
    return redirect(url_for("catalogue.my_courses") if back == "my" else url_for("catalogue.course", code=course.code))


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
    """Pending approvals, the enrolment key, bulk enrolment and the participant list.

    A bulk enrolment that enrols is answered with a redirect to this page, which shows its result
    once (kept small in the session): reloading the result does not send the list again.
    """
    course = live_course(code)
    actor = services.actor_of(current_user)
    form = BulkEnrolForm()
    if form.validate_on_submit():
        typed, uploaded = _bulk_names(form)
        names = [entry.name for entry in typed.entries + uploaded.entries]
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
                session[RESULT_KEY] = _kept_result(course.code, result, _repeats(typed, uploaded))
                return redirect(url_for("enrolment.manage_course", code=course.code), code=303)
    return _manage_page(course, form)


def _manage_page(course: Course, form: BulkEnrolForm, status: int = 200) -> Any:
    actor = services.actor_of(current_user)
    page_number = min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)
    asked = request.args.get("status", "")
    roster = RosterFilter(
        status=asked if asked in STATUSES else None,
        unit=request.args.get("unit", "").strip()[:1000] or None,
        q=request.args.get("q", "").strip()[:100] or None,
    )
    page = list_enrolments(
        actor, course, status=roster.status, unit=roster.unit, q=roster.q, page=page_number, per_page=PER_PAGE
    )
    pending = list_enrolments(actor, course, status="pending", page=1, per_page=PER_PAGE, progress=False)
    counts, units = roster_facets(actor, course)
    kept = session.get(RESULT_KEY)
    result = session.pop(RESULT_KEY) if isinstance(kept, dict) and kept.get("course") == course.code else None
    page_html = render_template(
        "enrolment/manage_course.html",
        course=course,
        page=page,
        pending=pending,
        roster=roster,
        counts=counts,
        units=units,
        statuses=STATUSES,
        form=form,
        confirm=ConfirmForm(formdata=None),  # buttons only: never reads the request (a 413 has no form)
        result=result,
        can_enrol=enrols_others(actor),
        can_decide=approves_in(actor, course.instructors),
        key=services.visible_key(actor, course),
    )
    return page_html, status, {"Cache-Control": "no-store"}


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Any:
    """A bulk enrolment body past the server's limit: the form again, the error under its file field."""
    from elearn.web import _http_error

    if request.endpoint != "enrolment.manage_course" or not current_user.is_authenticated:
        return _http_error(error)
    try:
        course = live_course(request.view_args.get("code", "") if request.view_args else "")
        form = BulkEnrolForm(formdata=None)
        form.file.errors = [_("Berkas lebih dari 2 MiB. Bagi daftar menjadi beberapa berkas.")]
        return _manage_page(course, form, 413)
    except DomainError:
        return _http_error(error)


def _bulk_names(form: BulkEnrolForm) -> tuple[NameList, NameList]:
    """The names typed and uploaded; refused rows and an unreadable file become the fields' errors."""
    typed = names_from_text(form.names.data or "")
    uploaded = NameList()
    form.names.errors = _problem_messages(typed.problems)
    if form.file.data:
        try:
            # One byte past the limit is enough for the reader to refuse the file.
            uploaded = names_from_upload(form.file.data.filename or "", form.file.data.read(MAX_UPLOAD_BYTES + 1))
        except UploadError as error:
            form.file.errors = [error.message]
        else:
            form.file.errors = _problem_messages(uploaded.problems)
    return typed, uploaded


def _repeats(typed: NameList, uploaded: NameList) -> list[str]:
    """Each name given more than once (typed, in the file, or in both), with where it came again."""
    seen = {entry.name.lower() for entry in typed.entries}
    again: list[tuple[str, NameEntry]] = [("typed", entry) for entry in typed.duplicates]
    again += [("file", entry) for entry in uploaded.duplicates]
    again += [("file", entry) for entry in uploaded.entries if entry.name.lower() in seen]
    return [
        _("%(name)s (berkas baris %(line)d)", name=entry.name[:64], line=entry.line)
        if source == "file"
        else _("%(name)s (ketikan baris %(line)d)", name=entry.name[:64], line=entry.line)
        for source, entry in again
    ]


def _kept_result(code: str, result: services.BulkResult, repeats: list[str]) -> dict[str, Any]:
    """The bulk result as kept for the page after the redirect: counts, and the first names of the
    lists someone has to act on."""

    def first(names: list[str]) -> dict[str, Any]:
        return {"count": len(names), "names": [name[:64] for name in names[:SHOWN_NAMES]]}

    return {
        "course": code,
        "enrolled": len(result.enrolled),
        "already": len(result.already),
        "unknown": first(result.unknown),
        "forbidden": first(result.forbidden),
        "repeats": first(repeats),
    }


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


@bp.post("/manage/courses/<code>/reject/<username>")
@login_required
def reject(code: str, username: str) -> Any:
    """Reject one pending enrolment with a reason the learner reads."""
    course = live_course(code)
    form = RejectForm()
    try:
        services.reject_enrolment(services.actor_of(current_user), course, username, form.reason.data)
    except Invalid as error:
        db.session.rollback()
        flash(_("Pendaftaran %(username)s belum ditolak: %(why)s", username=username, why=error.message), "error")
    else:
        db.session.commit()
        flash(_("Pendaftaran %(username)s ditolak.", username=username), "success")
    return redirect(url_for("enrolment.manage_course", code=course.code))


@bp.get("/manage/courses/<code>/participants/<username>")
@login_required
def participant_page(code: str, username: str) -> Any:
    """One participant: their enrolment, and which lessons and quizzes they have done."""
    course = live_course(code)
    actor = services.actor_of(current_user)
    found = participant(actor, course, username)
    return render_template(
        "enrolment/participant.html",
        course=course,
        found=found,
        confirm=ConfirmForm(),
        can_decide=approves_in(actor, course.instructors),
    )


@bp.post("/manage/courses/<code>/unenrol/<username>")
@login_required
def unenrol(code: str, username: str) -> Any:
    """Unenrol one participant (their progress is kept and comes back if they are enrolled again)."""
    course = live_course(code)
    services.unenrol(services.actor_of(current_user), course, username)
    db.session.commit()
    flash(_("%(username)s dikeluarkan dari kursus. Kemajuannya tetap tersimpan.", username=username), "success")
    return redirect(url_for("enrolment.participant_page", code=course.code, username=username))
