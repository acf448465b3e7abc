"""Course uploads: check in a limited child, preview by a dry run, keep the ZIP, publish as the CLI loads.

``receive_upload`` runs ``elearn content check``'s parse on the ZIP (``content.loading.parse_tree``),
then, if nothing is wrong, a dry run of ``elearn content load``'s load (``load_courses``) inside a
savepoint that is rolled back, and keeps the ZIP with the preview. ``publish_upload`` checks the
kept ZIP again (the database may have moved on) and runs that same load for real. Both flush and
never commit; each writes one audit entry.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.audit import services as audit
from elearn.catalogue.models import Course
from elearn.catalogue.policy import Actor
from elearn.catalogue.queries import teaches_a_course
from elearn.content.loading import load_courses, parse_tree
from elearn.content.renders import cache_of
from elearn.content.specs import CourseSpec
from elearn.content.upload import DEFAULT_LIMITS, UploadRefused, check_zip, extract_course_zip
from elearn.core.markup import RenderCache
from elearn.core.time import now
from elearn.enrolment.services import actor_of
from elearn.errors import Conflict, Forbidden, Invalid, NotFound
from elearn.extensions import db
from elearn.publishing import policy
from elearn.publishing.models import PUBLISHED, CourseUpload
from elearn.publishing.preview import build_preview
from elearn.publishing.sandbox import DEFAULT_PROCESS_LIMITS, SandboxFailed, check_in_child

#: What an uploaded ZIP may be and hold (content/upload.py).
UPLOAD_LIMITS = DEFAULT_LIMITS
#: What the checking child may use (publishing/sandbox.py).
CHECK_LIMITS = DEFAULT_PROCESS_LIMITS


class UploadProblems(Invalid):
    """An upload that cannot be loaded: ``lines`` are its content issues as ``path:LINE: message``
    (empty when the ZIP itself was refused: ``message`` says why)."""

    def __init__(self, message: str, lines: list[str] | None = None) -> None:
        super().__init__(message, fields={"file": message})
        self.lines = lines or []


@dataclass
class CheckedCourse:
    """An uploaded course with no issue: its spec and the renders its load may reuse."""

    spec: CourseSpec
    cache: RenderCache
    display_root: str


def instructors_create() -> bool:
    """Whether instructors may upload new courses (``ELEARN_INSTRUCTORS_CREATE_COURSES``)."""
    return bool(current_app.config.get("ELEARN_INSTRUCTORS_CREATE_COURSES"))


def opens_uploads(user: User, teaching: bool | None = None) -> bool:
    """Whether ``user`` may use the upload page at all (``teaching``: whether a course names them, if known)."""
    if teaching is None:
        teaching = teaches_a_course(user.username)
    return policy.opens_uploads(actor_of(user), teaches_a_course=teaching, instructors_create=instructors_create())


def check_uploads_allowed(user: User) -> None:
    """Refuse (403) someone the upload page is not for, before their upload is read."""
    if not opens_uploads(user):
        raise Forbidden(_("Anda tidak berhak mengunggah kursus."))


def check_course_zip(data: bytes, filename: str) -> CheckedCourse:
    """The course of an uploaded ZIP, checked exactly as ``elearn content check`` checks a folder.

    Raises ``UploadProblems`` for a hostile or unusable ZIP (before anything is unpacked), for
    every content issue, and when the check outgrows its time or memory.
    """
    try:
        check_zip(data, UPLOAD_LIMITS)  # hostile archives are refused here, from their directory alone
    except UploadRefused as refused:
        raise UploadProblems(refused.message) from refused
    hosts = tuple(current_app.config["ELEARN_IFRAME_HOSTS"])
    with tempfile.TemporaryDirectory(prefix="elearn-check-") as workdir:
        try:
            outcome = check_in_child(data, Path(workdir), filename=filename, iframe_hosts=hosts, limits=CHECK_LIMITS)
        except SandboxFailed as failed:
            raise UploadProblems(_sandbox_message(failed)) from failed
    if outcome.refused:
        raise UploadProblems(outcome.refused)
    if outcome.issues:
        raise UploadProblems(_issues_message(len(outcome.issues)), outcome.issues)
    # The child rendered every lesson: this parse reuses its renders and only reads the files.
    cache = cache_of(outcome.renders)
    with tempfile.TemporaryDirectory(prefix="elearn-upload-") as workdir:
        folder = extract_course_zip(data, Path(workdir) / "course", UPLOAD_LIMITS)
        courses, issues = parse_tree(folder, outcome.display_root, cache, iframe_hosts=hosts, parallel=False)
    if issues:
        raise UploadProblems(_issues_message(len(issues)), [str(issue) for issue in issues])
    return CheckedCourse(courses[0], cache, outcome.display_root)


def _issues_message(count: int) -> str:
    return _("Kursus ini belum dapat dimuat: %(n)d masalah. Perbaiki lalu unggah lagi.", n=count)


def _sandbox_message(failed: SandboxFailed) -> str:
    limits = CHECK_LIMITS
    if failed.reason == "time":
        return _(
            "Pemeriksaan kursus ini melebihi %(s)d detik dan dihentikan. Kecilkan kursusnya atau muat lewat "
            "baris perintah (elearn content load).",
            s=limits.cpu_seconds,
        )
    if failed.reason == "memory":
        return _("Pemeriksaan kursus ini memerlukan memori terlalu besar dan dihentikan.")
    current_app.logger.error("course upload check failed: %s", failed)
    return _("Pemeriksaan kursus gagal karena kesalahan server. Coba lagi atau hubungi admin.")


def _existing_course(code: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.code == code))


def _check_publishes(actor: Actor, spec: CourseSpec, existing: Course | None) -> None:
    allowed = policy.publishes(
        actor,
        existing_instructors=existing.instructors if existing is not None else None,
        new_instructors=spec.instructors,
        instructors_create=instructors_create(),
    )
    if allowed:
        return
    if existing is not None:
        raise Forbidden(_("Anda bukan pengajar kursus %(code)s, jadi tidak dapat mengunggahnya.", code=spec.code))
    if instructors_create() and actor.role == "instructor":
        raise Forbidden(_("Cantumkan nama pengguna Anda di instructors pada course.md kursus baru ini."))
    raise Forbidden(_("Kursus %(code)s belum ada; hanya admin yang dapat mengunggah kursus baru.", code=spec.code))


def receive_upload(user: User, data: bytes, filename: str) -> CourseUpload:
    """Check an uploaded course ZIP and keep it with the preview of what publishing it would do."""
    actor = actor_of(user)
    checked = check_course_zip(data, filename)
    spec = checked.spec
    existing = _existing_course(spec.code)
    _check_publishes(actor, spec, existing)
    savepoint = db.session.begin_nested()
    try:  # the dry run: the load itself, undone
        preview = build_preview(spec, load_courses([spec], checked.cache).total)
    finally:
        savepoint.rollback()
    upload = CourseUpload(
        uploaded_by_id=user.id,
        uploaded_by_username=user.username,
        filename=filename[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        course_code=spec.code,
        course_title=spec.title[:300],
        is_new_course=existing is None,
        preview=preview,
    )
    db.session.add(upload)
    db.session.flush()
    counts = preview["counts"]
    audit.record(
        user,
        "course.upload",
        target_type="course",
        target_id=spec.code,
        summary=f"{upload.filename}: {counts['created']} created, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['archived']} archived (preview)",
        details={"upload_id": upload.id, "sha256": upload.sha256, "size": upload.size, "new_course": existing is None},
    )
    return upload


def visible_upload(user: User, upload_id: int, *, lock: bool = False) -> CourseUpload:
    """An upload ``user`` may see (admins: all; others: their own), else ``NotFound``; ``lock`` holds its
    row until the transaction ends (PostgreSQL), so two presses of Publish load it once."""
    upload = db.session.get(CourseUpload, upload_id, with_for_update=lock)
    if upload is None or not policy.sees_upload(actor_of(user), upload.uploaded_by_id):
        raise NotFound(_("Unggahan tidak ditemukan."))
    return upload


def publish_upload(user: User, upload_id: int) -> CourseUpload:
    """Load a kept upload in the caller's transaction, exactly as ``elearn content load`` would."""
    upload = visible_upload(user, upload_id, lock=True)
    if upload.status == PUBLISHED:
        raise Conflict(_("Unggahan ini sudah diterbitkan."))
    checked = check_course_zip(upload.data, upload.filename)
    _check_publishes(actor_of(user), checked.spec, _existing_course(checked.spec.code))
    result = load_courses([checked.spec], checked.cache)
    upload.status = PUBLISHED
    upload.published_at = now()
    upload.published_by_id = user.id
    upload.published_by_username = user.username
    upload.result = dict(result.total.counts)
    audit.record(
        user,
        "course.publish",
        target_type="course",
        target_id=checked.spec.code,
        summary=f"{upload.filename}: {result.total.line()}",
        details={"upload_id": upload.id, "sha256": upload.sha256, "counts": dict(result.total.counts)},
    )
    db.session.flush()
    return upload
