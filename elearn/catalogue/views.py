"""Pages: catalogue, my courses, course outline, lesson, quiz summary, media."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from elearn.accounts.bearer import bearer_user, check_password_changed
from elearn.catalogue.models import Course, MediaFile
from elearn.catalogue.structure import live_structure
from elearn.certificates.queries import certificate_code
from elearn.content.specs import COMPETENCIES
from elearn.errors import Unauthenticated
from elearn.evaluation.queries import catalogue_needs
from elearn.evaluation.surveys import survey_status
from elearn.extensions import db
from elearn.progress.access import ItemLocked, course_access
from elearn.progress.queries import course_summaries
from elearn.progress.services import continue_item, view_lesson
from elearn.web import locked_page

bp = Blueprint("catalogue", __name__)


@bp.get("/")
@login_required
def index() -> Any:
    """The course catalogue: search, competency filter, JP and progress on every card."""
    q = request.args.get("q", "").strip()[:100]
    competency = request.args.get("competency", "")
    competency = competency if competency in COMPETENCIES else ""
    summaries = course_summaries(current_user.id, q=q or None, competency=competency or None)
    needs = catalogue_needs(current_user)  # courses answering the needs of the learner's unit come first
    summaries.sort(key=lambda summary: summary.course.id not in needs.recommended)
    return render_template(
        "catalogue/index.html",
        summaries=summaries,
        q=q,
        competency=competency,
        competencies=COMPETENCIES,
        needs=needs,
    )


@bp.get("/my")
@login_required
def my_courses() -> Any:
    """The learner's courses with progress bars and a link to continue."""
    summaries = course_summaries(current_user.id, enrolled_only=True)
    return render_template("catalogue/my_courses.html", summaries=summaries)


@bp.get("/courses/<code>")
@login_required
def course(code: str) -> Any:
    """A course's outline, with the enrolment form or the learner's progress."""
    from elearn.enrolment.forms import EnrolForm

    structure = live_structure(code)
    course = structure.course
    access = course_access(current_user, structure)
    completed = access.enrolment is not None and access.enrolment.completed_at is not None
    certificate = certificate_code(current_user.id, course.id) if completed else None
    # The feedback survey: offered once the course is complete, linked to its results for the staff
    # (one query, only then).
    survey = (
        survey_status(current_user.id, course.id) if (completed and access.is_learning) or access.is_staff else None
    )
    return render_template(
        "catalogue/course.html",
        access=access,
        next_item=continue_item(access),
        form=EnrolForm(),
        certificate=certificate,
        survey=survey,
    )


@bp.get("/lessons/<int:lesson_id>")
@login_required
def lesson(lesson_id: int) -> Any:
    """A lesson page; viewing it completes it for an enrolled learner."""
    try:
        view = view_lesson(current_user, lesson_id)
    except ItemLocked as locked:
        return locked_page(locked)
    db.session.commit()
    return render_template("catalogue/lesson.html", view=view)


@bp.get("/courses/<code>/continue")
@login_required
def continue_course(code: str) -> Any:
    """Where the learner left off: the first unlocked item not done yet, else the course page."""
    from flask import redirect, url_for

    item = continue_item(course_access(current_user, live_structure(code)))
    if item is None:
        return redirect(url_for("catalogue.course", code=code))
    if item.row.type == "lesson":
        return redirect(url_for("catalogue.lesson", lesson_id=item.row.id))
    return redirect(url_for("quizzes.quiz", quiz_id=item.row.id))


@bp.get("/media/<code>/<path:path>")
def media(code: str, path: str) -> Any:
    """A course media file, for any signed-in user (session or bearer token)."""
    if not current_user.is_authenticated:
        user = bearer_user()
        if user is None:
            raise Unauthenticated(_("Silakan masuk terlebih dahulu."))
        check_password_changed(user)
    found = db.session.execute(
        select(MediaFile.id, MediaFile.sha256, MediaFile.content_type)
        .join(Course, Course.id == MediaFile.course_id)
        .where(
            Course.code == code, MediaFile.path == path, MediaFile.archived_at.is_(None), Course.archived_at.is_(None)
        )
    ).first()
    if found is None:
        abort(404)
    media_id, digest, content_type = found
    versioned = request.args.get("v") == digest[:12]
    # A hashed URL never changes content: cache it for a year (privately: media need sign-in).
    cache_control = "private, max-age=31536000, immutable" if versioned else "private, no-cache"
    headers = {"Cache-Control": cache_control, "Content-Security-Policy": "default-src 'none'; sandbox"}
    if digest in request.if_none_match:
        response = Response(status=304, headers=headers)  # the bytes are not even read
        response.set_etag(digest)
        return response
    data = db.session.scalar(select(MediaFile.data).where(MediaFile.id == media_id))
    response = Response(data, mimetype=content_type, headers=headers)
    response.set_etag(digest)
    return response.make_conditional(request)
