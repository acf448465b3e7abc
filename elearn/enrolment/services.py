"""Enrolment use cases: enrol, approve, bulk enrol. Flush, never commit.

Nobody is ever silently un-enrolled: no service here deletes an enrolment.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from config import environment_value
from elearn.accounts.models import User
from elearn.audit import services as audit
from elearn.catalogue.models import Course
from elearn.catalogue.policy import Actor, approves, approves_in, enrols_others, manages_person, unit_in_scope
from elearn.catalogue.structure import CourseInfo
from elearn.core.database import chunks, insert_ignoring_duplicates
from elearn.core.time import local_date, now
from elearn.enrolment.models import Enrolment
from elearn.enrolment.policy import closed_because
from elearn.errors import Forbidden, Invalid, NotFound
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


def enrol(user: User, course: Course, key: str | None = None) -> tuple[Enrolment, bool]:
    """Enrol ``user`` by their own request; returns (enrolment, newly created).

    Already enrolled (active or pending): returned unchanged. ``approval``
    courses give a pending enrolment.
    """
    existing = enrolment_of(user.id, course.id)
    if existing is not None:
        return existing, False
    _check_open(course)
    if course.enrolment == "key":
        _check_key(course, key)
    status = "pending" if course.enrolment == "approval" else "active"
    enrolment = Enrolment(user_id=user.id, course_id=course.id, status=status, enrolled_at=now())
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


def approve(actor: Actor, course: Course, username: str) -> Enrolment:
    """Approve a pending enrolment (idempotent for an active one).

    Who may approve nobody in this course is refused before any look-up, so the
    answer tells them nothing; a coordinator of another unit gets 404.
    """
    if not approves_in(actor, course.instructors):
        raise Forbidden(_("Anda tidak berhak menyetujui pendaftaran di kursus ini."))
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
        raise Forbidden(_("Anda tidak berhak menyetujui pendaftaran ini."))
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
    for chunk in chunks(user_ids):
        db.session.execute(
            update(Enrolment)
            .where(Enrolment.course_id == course.id, Enrolment.user_id.in_(chunk), Enrolment.status != "active")
            .values(status="active", approved_at=moment, approved_by_id=actor.user_id)
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
