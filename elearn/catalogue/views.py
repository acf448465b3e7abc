"""Pages: catalogue, my courses, course outline, lesson, quiz summary, media."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from elearn.accounts.bearer import bearer_user, check_password_changed
from elearn.catalogue.labels import COMPETENCY_LABELS, LEVEL_LABELS
from elearn.catalogue.models import MediaFile
from elearn.catalogue.search import MAX_QUERY_LENGTH
from elearn.catalogue.structure import live_structure, snapshot
from elearn.certificates.queries import certificate_code
from elearn.content.specs import COMPETENCIES
from elearn.errors import DomainError, Forbidden, Unauthenticated
from elearn.evaluation.queries import catalogue_needs
from elearn.evaluation.surveys import survey_status
from elearn.extensions import db
from elearn.progress.access import CourseAccess, ItemLocked, course_access
from elearn.progress.queries import CourseSummary, course_summaries, lessons_to_keep
from elearn.progress.services import continue_item, view_lesson
from elearn.web import current_locale, enrol_first, locked_page

bp = Blueprint("catalogue", __name__)


@bp.get("/")
@login_required
def index() -> Any:
    """The course catalogue: search, competency filter, JP and progress on every card."""
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise DomainError(_("Kata pencarian terlalu panjang (paling banyak %(max)d karakter).", max=MAX_QUERY_LENGTH))
    competency = request.args.get("competency", "")
    competency = competency if competency in COMPETENCIES else ""
    summaries = course_summaries(current_user.id, q=q or None, competency=competency or None)
    needs = catalogue_needs(current_user)  # courses answering the needs of the learner's unit come first
    summaries.sort(key=lambda summary: summary.course.id not in needs.recommended)
    return render_template(
        "catalogue/index.html",
        summaries=summaries,
        heads=card_heads(summaries),
        q=q,
        competency=competency,
        competencies=COMPETENCIES,
        needs=needs,
        max_query=MAX_QUERY_LENGTH,
    )


def card_heads(summaries: list[CourseSummary]) -> dict[int, Markup]:
    """The part of each catalogue card that is the same for everyone (title, JP, labels, summary),
    rendered once per content revision and language and kept: only the learner's own part of a
    card is rendered on every request."""
    kept: dict[Any, Any] = current_app.extensions.setdefault("elearn_card_heads", {})
    key = (snapshot().revision, current_locale())
    if kept.get("key") != key:
        kept.clear()
        kept["key"] = key
    heads = {}
    for summary in summaries:
        course = summary.course
        head = kept.get(course.id)
        if head is None:
            head = kept[course.id] = Markup(  # noqa: S704 - rendered by an autoescaping template
                render_template(
                    "catalogue/_card_head.html",
                    course=course,
                    lesson_count=summary.lesson_count,
                    labels={"competency": COMPETENCY_LABELS, "level": LEVEL_LABELS},
                )
            )
        heads[course.id] = head
    return heads


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
    from elearn.enrolment.forms import ConfirmForm, EnrolForm
    from elearn.enrolment.queries import decision_reason

    structure = live_structure(code)
    course = structure.course
    if code != course.code:  # any letter case finds the course; its address is the canonical code
        return redirect(url_for("catalogue.course", code=course.code), 301)
    access = course_access(current_user, structure)
    completed = access.enrolment is not None and access.enrolment.completed_at is not None
    certificate = certificate_code(current_user.id, course.id) if completed else None
    # The feedback survey: offered once the course is complete, linked to its results for the staff
    # (one query, only then).
    survey = (
        survey_status(current_user.id, course.id) if (completed and access.is_learning) or access.is_staff else None
    )
    status = access.enrolment.status if access.enrolment is not None else None
    # Why the request was rejected: read only for a rejected learner (one query, only then).
    rejection = decision_reason(access.enrolment.id) if access.enrolment is not None and status == "rejected" else None
    return render_template(
        "catalogue/course.html",
        access=access,
        next_item=continue_item(access),
        enrol_form=EnrolForm,  # built only when the page shows it
        withdraw_form=ConfirmForm,
        status=status,
        rejection=rejection,
        certificate=certificate,
        outline_html=outline_html(access),
        survey=survey,
    )


_OUTLINES_KEPT = 4000


def outline_html(access: CourseAccess) -> Markup:
    """The course page's list of modules and items with the caller's marks.

    It depends only on the course's structure (content revision), the language, whether the
    caller reads as staff, and the marks (done, locked) of each item, so it is rendered once per
    such combination and kept per process: most learners of a course share a few patterns of
    marks. Nothing else about the person is in it.
    """
    marks = "".join(
        ("d" if item.completed else "-") + ("l" if item.locked else "-")
        for module in access.outline.modules
        for item in module.items
    ) + "".join(("l" if m.locked else "-") + ("d" if m.completed else "-") for m in access.outline.modules)
    key = (snapshot().revision, current_locale(), access.course.id, access.is_staff, marks)
    kept: OrderedDict[Any, Markup] = current_app.extensions.setdefault("elearn_outlines", OrderedDict())
    html = kept.get(key)
    if html is None:
        html = Markup(render_template("catalogue/_outline.html", access=access))  # noqa: S704 - autoescaped
        kept[key] = html
        while len(kept) > _OUTLINES_KEPT:
            kept.popitem(last=False)
    return html


@bp.get("/lessons/<int:lesson_id>")
@login_required
def lesson(lesson_id: int) -> Any:
    """A lesson page; viewing it completes it for an enrolled learner."""
    # The service worker fetching a copy ahead for reading offline: shown, not yet read.
    ahead = request.headers.get(PREFETCH_HEADER) == "1"
    try:
        view = view_lesson(current_user, lesson_id, record=not ahead)
    except ItemLocked as locked:
        return locked_page(locked)
    except Forbidden as refused:
        return enrol_first(refused, snapshot().course_of_lesson.get(lesson_id))
    db.session.commit()
    return render_template("catalogue/lesson.html", view=view)


#: The header the service worker sends with a lesson it keeps ahead of the learner.
PREFETCH_HEADER = "X-Elearn-Prefetch"


@bp.get("/offline/lessons")
@login_required
def offline_lessons() -> Any:
    """The lesson pages the service worker keeps for reading offline: the next few of each course the
    signed-in learner is enrolled in (JSON; only their own courses, nothing else about them)."""
    urls = [url_for("catalogue.lesson", lesson_id=lesson_id) for lesson_id in lessons_to_keep(current_user.id)]
    return jsonify(lessons=urls)


@bp.get("/courses/<code>/continue")
@login_required
def continue_course(code: str) -> Any:
    """Where the learner left off: the first unlocked item not done yet, else the course page."""
    item = continue_item(course_access(current_user, live_structure(code)))
    if item is None:
        return redirect(url_for("catalogue.course", code=code))
    if item.row.type == "lesson":
        return redirect(url_for("catalogue.lesson", lesson_id=item.row.id))
    return redirect(url_for("quizzes.quiz", quiz_id=item.row.id))


#: Media bytes kept per process by content hash (immutable), up to this many bytes.
_MEDIA_BUDGET = 64 * 1024 * 1024
_MEDIA_FILE_LIMIT = 2 * 1024 * 1024  # larger files are read from the database each time
_media: OrderedDict[str, bytes] = OrderedDict()
_media_size = 0
_media_lock = threading.Lock()


def media_bytes(media_id: int, digest: str) -> bytes:
    """A media file's bytes: small ones kept per process by their SHA-256 (the same bytes for
    every server and every load), the rest read from the database."""
    global _media_size
    with _media_lock:
        found = _media.get(digest)
        if found is not None:
            _media.move_to_end(digest)
            return found
    data: bytes = db.session.scalar(select(MediaFile.data).where(MediaFile.id == media_id)) or b""
    if len(data) <= _MEDIA_FILE_LIMIT:
        with _media_lock:
            if digest not in _media:
                _media[digest] = data
                _media_size += len(data)
            while _media_size > _MEDIA_BUDGET and _media:
                _old, evicted = _media.popitem(last=False)
                _media_size -= len(evicted)
    return data


@bp.get("/media/<code>/<path:path>")
def media(code: str, path: str) -> Any:
    """A course media file, for any signed-in user (session or bearer token)."""
    if not current_user.is_authenticated:
        user = bearer_user()
        if user is None:
            raise Unauthenticated(_("Silakan masuk terlebih dahulu."))
        check_password_changed(user)
    structure = snapshot().by_code.get(code)
    found = structure.media.get(path) if structure is not None else None
    if found is None:
        abort(404)
    media_id, digest, content_type = found.id, found.sha256, found.content_type
    versioned = request.args.get("v") == digest[:12]
    # A hashed URL never changes content: cache it for a year (privately: media need sign-in).
    cache_control = "private, max-age=31536000, immutable" if versioned else "private, no-cache"
    headers = {"Cache-Control": cache_control, "Content-Security-Policy": "default-src 'none'; sandbox"}
    if digest in request.if_none_match:
        response = Response(status=304, headers=headers)  # the bytes are not even read
        response.set_etag(digest)
        return response
    response = Response(media_bytes(media_id, digest), mimetype=content_type, headers=headers)
    response.set_etag(digest)
    return response.make_conditional(request)
