"""Enrolment use cases: enrol, withdraw, approve, reject, unenrol, bulk enrol. Flush, never commit.

No service here deletes an enrolment: rejecting, withdrawing and unenrolling end it (its status
says how, ``ended_at``/``ended_by_id`` say when and by whom), and enrolling again starts the same
row once more, with ``completed_at`` and every lesson and quiz result the person had.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError

from config import environment_value
from elearn.accounts.models import User
from elearn.audit import services as audit
from elearn.catalogue.models import Course
from elearn.catalogue.policy import (
    Actor,
    approves,
    approves_in,
    enrols_others,
    manages_person,
    sees_enrolments,
    unit_in_scope,
)
from elearn.catalogue.structure import CourseInfo
from elearn.core.database import chunks, insert_ignoring_duplicates
from elearn.core.time import local_date, now
from elearn.enrolment.models import CURRENT_STATUSES, ENDED_STATUSES, MAX_REASON, Enrolment
from elearn.enrolment.policy import clean_reason, closed_because
from elearn.errors import Conflict, Forbidden, Invalid, NotFound
from elearn.extensions import db
from elearn.notifications.services import notify, notify_many


def actor_of(user: User) -> Actor:
    """The policy's view of ``user``."""
    return Actor(user_id=user.id, username=user.username, role=user.role, unit_path=user.unit_path)


def enrolment_of(user_id: int, course_id: int) -> Enrolment | None:
    """The user's enrolment in the course, if any."""
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id))


def enrolment_today() -> dt.date:
    """Today's date in the deployment's time zone (enrolment windows are dates there)."""
    return local_date(now(), current_app.config["ELEARN_TIMEZONE"])


def closed_reason(course: Course | CourseInfo) -> str | None:
    """Why ``course`` takes no self-enrolment today, or None (see ``policy.closed_because``)."""
    return closed_because(course.enrolment, course.opens_on, course.closes_on, enrolment_today())


def _check_open(course: Course) -> None:
    reason = closed_reason(course)
    if reason == "closed":
        raise Forbidden(_("Pendaftaran kursus ini ditutup."), code="enrolment_closed")
    if reason == "not_yet":
        opens = course.opens_on.isoformat() if course.opens_on else ""
        raise Forbidden(_("Pendaftaran dibuka mulai %(date)s.", date=opens), code="enrolment_closed")
    if reason == "ended":
        closes = course.closes_on.isoformat() if course.closes_on else ""
        raise Forbidden(_("Pendaftaran ditutup sejak %(date)s.", date=closes), code="enrolment_closed")


def _check_key(course: Course, key: str | None) -> None:
    # The key lives in the server's environment (or .env), never in the content repository.
    expected = (environment_value(course.enrolment_key_env or "") or "").strip()
    if not expected or not key or not hmac.compare_digest(key.strip().encode(), expected.encode()):
        raise Forbidden(_("Kunci pendaftaran salah."), code="wrong_key")


def _reason(text: str | None, field: str) -> str:
    """``text`` cleaned (``policy.clean_reason``), refused when longer than ``MAX_REASON``."""
    reason = clean_reason(text)
    if len(reason) > MAX_REASON:
        message = _("Paling banyak %(max)d karakter.", max=MAX_REASON)
        raise Invalid(message, fields={field: message})
    return reason


def visible_key(actor: Actor, course: Course) -> tuple[str, str] | None:
    """For a key course, the environment variable naming its key and the key (empty when unset),
    shown to whoever sees the course's enrolments (its instructors, coordinators, admins); else None."""
    if course.enrolment != "key" or not sees_enrolments(actor, course.instructors):
        return None
    name = course.enrolment_key_env or ""
    return name, (environment_value(name) or "").strip() if name else ""


def enrol(user: User, course: Course, key: str | None = None, reason: str | None = None) -> tuple[Enrolment, bool]:
    """Enrol ``user`` by their own request; returns (enrolment, newly created or started again).

    Already enrolled (active or pending): returned unchanged. ``approval`` courses give a pending
    enrolment and keep the optional ``reason`` for the approver. An ended enrolment (rejected,
    withdrawn, unenrolled) starts again under the same rules, with the person's progress.
    """
    existing = enrolment_of(user.id, course.id)
    if existing is not None and existing.status in CURRENT_STATUSES:
        return existing, False
    _check_open(course)
    if course.enrolment == "key":
        _check_key(course, key)
    status = "pending" if course.enrolment == "approval" else "active"
    request_reason = (_reason(reason, "reason") or None) if status == "pending" else None
    if existing is not None:
        _start_again(existing, status, request_reason)
        db.session.flush()
        return existing, True
    enrolment = Enrolment(
        user_id=user.id, course_id=course.id, status=status, enrolled_at=now(), request_reason=request_reason
    )
    if status == "active":
        enrolment.approved_at = enrolment.enrolled_at
    try:
        with db.session.begin_nested():  # a concurrent request may enrol the same person first
            db.session.add(enrolment)
    except IntegrityError:
        existing = enrolment_of(user.id, course.id)
        if existing is None:
            raise
        return existing, False
    return enrolment, True


def _start_again(enrolment: Enrolment, status: str, request_reason: str | None) -> None:
    """An ended enrolment becomes active or pending again: a new request, the old decision cleared
    (it stays in the audit log); ``completed_at`` and all progress are kept."""
    moment = now()
    enrolment.status = status
    enrolment.enrolled_at, enrolment.enrolled_by_id = moment, None
    enrolment.approved_at = moment if status == "active" else None
    enrolment.approved_by_id = None
    enrolment.request_reason = request_reason
    enrolment.decision_reason = enrolment.ended_at = enrolment.ended_by_id = None


def withdraw(user: User, course: Course) -> Enrolment:
    """The learner takes back their own pending request (idempotent once withdrawn)."""
    enrolment = enrolment_of(user.id, course.id)
    if enrolment is not None and enrolment.status == "withdrawn":
        return enrolment
    if enrolment is None or enrolment.status != "pending":
        raise Conflict(_("Tidak ada permintaan pendaftaran yang menunggu di kursus ini."), code="not_pending")
    enrolment.status = "withdrawn"
    enrolment.ended_at, enrolment.ended_by_id = now(), user.id
    db.session.flush()
    return enrolment


def _managed_enrolment(actor: Actor, course: Course, username: str) -> tuple[User, Enrolment]:
    """The enrolment of ``username`` in ``course`` that ``actor`` may decide on (approve, reject, unenrol).

    Who may decide on nobody in this course is refused before any look-up, so the answer tells them
    nothing; a coordinator of another unit gets 404.
    """
    if not approves_in(actor, course.instructors):
        raise Forbidden(_("Anda tidak berhak mengelola pendaftaran di kursus ini."))
    found = db.session.execute(
        select(User, Enrolment)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(User.username == username.strip().lower(), Enrolment.course_id == course.id)
    ).first()
    if found is None:
        raise NotFound(_("Pendaftaran tidak ditemukan."))
    learner, enrolment = found
    if not approves(actor, course.instructors, learner.unit_path, learner.id):
        if actor.is_coordinator and not unit_in_scope(actor.unit_path, learner.unit_path):
            raise NotFound(_("Pendaftaran tidak ditemukan."))
        raise Forbidden(_("Anda tidak berhak mengelola pendaftaran ini."))
    return learner, enrolment


def approve(actor: Actor, course: Course, username: str) -> Enrolment:
    """Approve a pending enrolment (idempotent for an active one; an ended one is a conflict)."""
    learner, enrolment = _managed_enrolment(actor, course, username)
    if enrolment.status in ENDED_STATUSES:
        raise Conflict(_("Pendaftaran ini sudah berakhir dan tidak dapat disetujui."), code="not_pending")
    if enrolment.status != "active":
        enrolment.status = "active"
        enrolment.approved_at = now()
        enrolment.approved_by_id = actor.user_id
        audit.record(
            actor,
            "enrolment.approve",
            target_type="enrolment",
            target_id=enrolment.id,
            summary=f"{learner.username} in {course.code}",
        )
        notify(learner.id, "enrolment_approved", course=course.code, title=course.title)
        db.session.flush()
    return enrolment


def reject_enrolment(actor: Actor, course: Course, username: str, reason: str | None) -> Enrolment:
    """Reject a pending enrolment with a reason the learner reads (idempotent for a rejected one).

    Same deciders as ``approve``; recorded in the audit log with who and when.
    """
    learner, enrolment = _managed_enrolment(actor, course, username)
    if enrolment.status == "rejected":
        return enrolment
    if enrolment.status != "pending":
        raise Conflict(_("Hanya pendaftaran yang menunggu persetujuan yang dapat ditolak."), code="not_pending")
    text = _reason(reason, "reason")
    if not text:
        raise Invalid(_("Alasan penolakan wajib diisi."), fields={"reason": _("Wajib diisi.")})
    enrolment.status = "rejected"
    enrolment.decision_reason = text
    enrolment.ended_at, enrolment.ended_by_id = now(), actor.user_id
    audit.record(
        actor,
        "enrolment.reject",
        target_type="enrolment",
        target_id=enrolment.id,
        summary=f"{learner.username} in {course.code}",
        details={"username": learner.username, "course": course.code, "reason": text},
    )
    notify(learner.id, "enrolment_rejected", course=course.code, title=course.title, reason=text)
    db.session.flush()
    return enrolment


def unenrol(actor: Actor, course: Course, username: str) -> Enrolment:
    """End an active enrolment (idempotent once unenrolled). Nothing the person earned is touched:
    ``completed_at``, lesson completions, attempts, results, certificates and JP all stay, and come
    back into view if they are enrolled again. Same deciders as ``approve``; audited."""
    learner, enrolment = _managed_enrolment(actor, course, username)
    if enrolment.status == "unenrolled":
        return enrolment
    if enrolment.status != "active":
        raise Conflict(_("Hanya peserta aktif yang dapat dikeluarkan."), code="not_active")
    enrolment.status = "unenrolled"
    enrolment.ended_at, enrolment.ended_by_id = now(), actor.user_id
    audit.record(
        actor,
        "enrolment.unenrol",
        target_type="enrolment",
        target_id=enrolment.id,
        summary=f"{learner.username} from {course.code}",
        details={"username": learner.username, "course": course.code},
    )
    db.session.flush()
    return enrolment


@dataclass
class BulkResult:
    """Each name lands in exactly one list: unknown, forbidden, already, enrolled."""

    enrolled: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)


MAX_BULK = 10_000


def bulk_enrol(actor: Actor, course: Course, names: Sequence[str]) -> BulkResult:
    """Enrol people by username or NIP (coordinators: their units only; admins: anyone).

    Bulk enrolment is an administrative act: it skips the key and approval
    steps, and activates a pending enrolment.
    """
    if not enrols_others(actor):
        raise Forbidden(_("Hanya koordinator dan admin yang dapat mendaftarkan peserta."))
    # Each distinct name (as given, trimmed) is answered once; a blank one is unknown.
    wanted = list(dict.fromkeys(name.strip() for name in names))
    if len(wanted) > MAX_BULK:
        message = _("Paling banyak %(max)d nama sekali daftar.", max=MAX_BULK)
        raise Invalid(message, fields={"usernames": message})
    users = _users_by_name_or_nip(wanted)
    user_ids = sorted({user.id for user in users.values()})
    active: set[int] = set()
    for chunk in chunks(user_ids):
        active.update(
            db.session.scalars(
                select(Enrolment.user_id).where(
                    Enrolment.course_id == course.id, Enrolment.status == "active", Enrolment.user_id.in_(chunk)
                )
            )
        )
    result, to_enrol = BulkResult(), set[int]()
    for name in wanted:
        user = (users.get(name.lower()) or users.get("".join(name.split()))) if name else None
        if user is None:
            result.unknown.append(name)
        elif not manages_person(actor, user.unit_path, user.id):
            result.forbidden.append(name)
        elif user.id in active or user.id in to_enrol:
            result.already.append(name)
        else:
            to_enrol.add(user.id)
            result.enrolled.append(name)
    _activate(course, sorted(to_enrol), actor)
    notify_many(to_enrol, "enrolled", course=course.code, title=course.title)
    if result.enrolled:
        audit.record(
            actor,
            "enrolment.bulk",
            target_type="course",
            target_id=course.code,
            summary=f"{len(result.enrolled)} enrolled in {course.code}",
            details={"enrolled": result.enrolled[:1000]},
        )
    return result


def _activate(course: Course, user_ids: list[int], actor: Actor) -> None:
    """Make these users' enrolments active: insert the missing ones (a concurrent request's
    row is kept, not duplicated), then activate any that are pending."""
    moment = now()
    fields = {"status": "active", "enrolled_at": moment, "enrolled_by_id": actor.user_id}
    fields |= {"approved_at": moment, "approved_by_id": actor.user_id, "course_id": course.id}
    insert_ignoring_duplicates(Enrolment, [{"user_id": user_id, **fields} for user_id in user_ids])
    # An ended enrolment starts again (as in ``_start_again``); a pending one keeps its request date.
    ended = Enrolment.status.in_(ENDED_STATUSES)
    for chunk in chunks(user_ids):
        db.session.execute(
            update(Enrolment)
            .where(Enrolment.course_id == course.id, Enrolment.user_id.in_(chunk), Enrolment.status != "active")
            .values(
                status="active",
                approved_at=moment,
                approved_by_id=actor.user_id,
                enrolled_at=case((ended, moment), else_=Enrolment.enrolled_at),
                enrolled_by_id=case((ended, actor.user_id), else_=Enrolment.enrolled_by_id),
                decision_reason=None,
                ended_at=None,
                ended_by_id=None,
            )
            .execution_options(synchronize_session="fetch")
        )


def _users_by_name_or_nip(names: list[str]) -> dict[str, User]:
    """Users whose username (case-insensitive) or NIP (spaces ignored) is in ``names``,
    keyed by both."""
    usernames = sorted({n.lower() for n in names})
    nips = sorted({"".join(n.split()) for n in names if "".join(n.split()).isdigit()})
    found: dict[str, User] = {}
    for column, values in ((User.username, usernames), (User.nip, nips)):
        for chunk in chunks(values):
            for user in db.session.scalars(select(User).where(column.in_(chunk))):
                found[user.username] = user
                if user.nip:
                    found[user.nip] = user
    return found
