"""Training-needs surveys (*analisis kebutuhan pengembangan kompetensi*): publish, answer, link courses.

A coordinator (or an admin) publishes a survey to a unit subtree with a window of dates: topics
to rate by competency type (1 = not needed .. 5 = much needed), a preferred learning method and
free text. The people of that subtree answer on their phones within the window; answering again
replaces their answer (it is theirs, not anonymous: it is in their own-data export). The
coordinator sees the needs ranked (``needs_report.py``), exports them, and links each need to the
courses that answer it; those courses come first in the catalogue of the people of that subtree.
Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from elearn.accounts.models import Unit, User
from elearn.accounts.queries import in_subtree
from elearn.audit import services as audit
from elearn.catalogue.policy import Actor, unit_in_scope
from elearn.catalogue.structure import snapshot
from elearn.content.specs import COMPETENCIES
from elearn.core.time import now
from elearn.enrolment.services import enrolment_today
from elearn.errors import Conflict, Forbidden, Invalid, NotFound
from elearn.evaluation.models import (
    NEEDS_METHODS,
    NeedsRating,
    NeedsResponse,
    NeedsSurvey,
    NeedsTopic,
    NeedsTopicCourse,
)
from elearn.extensions import db

MAX_TOPICS = 60
MAX_COMMENT = 2000
MAX_ID = 2**31 - 1


def ancestors(path: str | None) -> list[str]:
    """A unit path and every unit above it (``A/B/C`` -> ``A``, ``A/B``, ``A/B/C``)."""
    if not path:
        return []
    parts = path.split("/")
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def publishes(actor: Actor) -> bool:
    """Coordinators (for their units) and admins publish needs surveys."""
    return actor.is_admin or actor.is_coordinator


def check_publishes(actor: Actor) -> None:
    """Refuse anyone who may not publish needs surveys."""
    if not publishes(actor):
        raise Forbidden(_("Hanya koordinator dan admin yang dapat mengelola survei kebutuhan."))


def is_open(survey: NeedsSurvey, today: dt.date) -> bool:
    """Answers are taken within the window (local dates, both ends included) until it is closed."""
    return survey.closed_at is None and survey.opens_on <= today <= survey.closes_on


@dataclass(frozen=True)
class NeedsDraft:
    """What a coordinator writes to publish a needs survey."""

    title: str
    intro: str
    unit: str
    opens_on: dt.date
    closes_on: dt.date
    topics: list[tuple[str, str]]  # (competency, topic)


def publish(actor: Actor, draft: NeedsDraft) -> NeedsSurvey:
    """Publish a needs survey to ``draft.unit``'s subtree; 422 with the fields that are wrong."""
    check_publishes(actor)
    problems: dict[str, str] = {}
    unit = db.session.scalar(select(Unit).where(Unit.path == draft.unit.strip().strip("/")))
    if unit is None:
        problems["unit"] = _("Unit tidak ditemukan.")
    elif not actor.is_admin and not unit_in_scope(actor.unit_path, unit.path):
        problems["unit"] = _("Unit ini di luar lingkup Anda.")
    if draft.closes_on < draft.opens_on:
        problems["closes_on"] = _("Tanggal tutup tidak boleh sebelum tanggal buka.")
    elif draft.closes_on < enrolment_today():
        problems["closes_on"] = _("Tanggal tutup sudah lewat.")
    topic_problem = _topics_problem(draft.topics)
    if topic_problem:
        problems["topics"] = topic_problem
    if problems or unit is None:
        raise Invalid(_("Periksa kembali isian survei."), fields=problems)
    survey = NeedsSurvey(
        title=draft.title.strip(),
        intro=draft.intro.strip(),
        unit_id=unit.id,
        opens_on=draft.opens_on,
        closes_on=draft.closes_on,
        created_by_id=actor.user_id,
    )
    db.session.add(survey)
    db.session.flush()
    for position, (competency, title) in enumerate(draft.topics, start=1):
        db.session.add(NeedsTopic(survey_id=survey.id, position=position, competency=competency, title=title))
    audit.record(
        actor,
        "needs.publish",
        target_type="needs_survey",
        target_id=survey.id,
        summary=f"needs survey '{survey.title[:200]}' published to {unit.path}",
        details={"unit": unit.path, "topics": len(draft.topics)},
    )
    db.session.flush()
    return survey


def _topics_problem(topics: list[tuple[str, str]]) -> str | None:
    if not topics:
        return _("Tulis paling sedikit satu topik.")
    if len(topics) > MAX_TOPICS:
        return _("Paling banyak %(n)d topik.", n=MAX_TOPICS)
    seen: set[str] = set()
    for competency, title in topics:
        if competency not in COMPETENCIES or not title or len(title) > 300:
            return _("Setiap topik ditulis dalam satu baris, paling banyak 300 karakter.")
        if title.casefold() in seen:
            return _("Topik %(title)s tertulis dua kali.", title=title)
        seen.add(title.casefold())
    return None


def in_scope(actor: Actor) -> Any:
    """Needs surveys an actor manages: an admin all, a coordinator those published within their units."""
    if actor.is_admin:
        return True
    return in_subtree(actor.unit_path)


def managed(actor: Actor, survey_id: int) -> tuple[NeedsSurvey, str]:
    """A needs survey the actor manages, with its unit path (403 for people who never manage any,
    404 outside the actor's units)."""
    check_publishes(actor)
    found = (
        db.session.execute(
            select(NeedsSurvey, Unit.path)
            .join(Unit, Unit.id == NeedsSurvey.unit_id)
            .where(NeedsSurvey.id == survey_id, in_scope(actor))
        ).first()
        if 0 < survey_id <= MAX_ID
        else None
    )
    if found is None:
        raise NotFound(_("Survei kebutuhan tidak ditemukan."))
    return found[0], found[1]


def asked(user: User) -> Any:
    """Needs surveys published to the person's unit or a unit above it."""
    return (
        select(NeedsSurvey).join(Unit, Unit.id == NeedsSurvey.unit_id).where(Unit.path.in_(ancestors(user.unit_path)))
    )


@dataclass
class AnswerForm:
    """A needs survey as one person answers it, with their earlier answer (if any)."""

    survey: NeedsSurvey
    topics: list[NeedsTopic]
    response: NeedsResponse | None
    ratings: dict[int, int] = field(default_factory=dict)
    open: bool = True

    def values(self) -> dict[str, Any]:
        """The form's starting values: the earlier answer."""
        return {
            "ratings": {topic_id: str(rating) for topic_id, rating in self.ratings.items()},
            "method": self.response.method if self.response is not None else "",
            "comment": self.response.comment if self.response is not None else "",
        }


def answer_form(user: User, survey_id: int) -> AnswerForm:
    """The survey ``user`` is asked (404 for anyone outside its units), with their answer."""
    survey = (
        db.session.scalar(asked(user).where(NeedsSurvey.id == survey_id))
        if 0 < survey_id <= MAX_ID and user.unit_path
        else None
    )
    if survey is None:
        raise NotFound(_("Survei kebutuhan tidak ditemukan."))
    topics = list(
        db.session.scalars(select(NeedsTopic).where(NeedsTopic.survey_id == survey.id).order_by(NeedsTopic.position))
    )
    response = db.session.scalar(
        select(NeedsResponse).where(NeedsResponse.survey_id == survey.id, NeedsResponse.user_id == user.id)
    )
    ratings: dict[int, int] = {}
    if response is not None:
        ratings = dict(
            db.session.execute(
                select(NeedsRating.topic_id, NeedsRating.rating).where(NeedsRating.response_id == response.id)
            ).all()
        )
    return AnswerForm(survey, topics, response, ratings, is_open(survey, enrolment_today()))


def form_values(form: Any) -> dict[str, Any]:
    """What a needs answer form sent: ``rating-<topic id>`` fields, ``method`` and ``comment``."""
    ratings = {}
    for key in form:
        suffix = key.removeprefix("rating-")
        if key.startswith("rating-") and suffix.isascii() and suffix.isdigit() and len(suffix) <= 10:
            ratings[int(suffix)] = form.get(key, "")
    return {"ratings": ratings, "method": form.get("method", ""), "comment": form.get("comment", "")}


def _check_answer(form: AnswerForm, values: Mapping[str, Any]) -> tuple[dict[int, int], dict[str, str]]:
    ratings: dict[int, int] = {}
    problems: dict[str, str] = {}
    given = values.get("ratings") or {}
    known = {topic.id for topic in form.topics}
    if any(topic_id not in known for topic_id in given):
        problems["ratings"] = _("Topik tidak dikenal.")
    for topic in form.topics:
        raw = str(given.get(topic.id, "")).strip()
        if raw in {"1", "2", "3", "4", "5"}:
            ratings[topic.id] = int(raw)
        else:
            problems[f"rating-{topic.id}"] = _("Pilih nilai 1 sampai 5.") if raw else _("Wajib diisi.")
    if values.get("method") not in NEEDS_METHODS:
        problems["method"] = _("Pilih salah satu metode.")
    if len(str(values.get("comment") or "")) > MAX_COMMENT:
        problems["comment"] = _("Paling banyak 2000 karakter.")
    return ratings, problems


def answer(user: User, survey_id: int, values: Mapping[str, Any]) -> NeedsResponse:
    """Store (or replace) ``user``'s answer within the window; 409 outside it, 422 on a bad value
    (nothing is written unless every value is fine)."""
    form = answer_form(user, survey_id)
    if not form.open:
        raise Conflict(_("Survei ini sudah ditutup atau belum dibuka."), code="closed")
    ratings, problems = _check_answer(form, values)
    if problems:
        raise Invalid(_("Periksa kembali jawaban Anda."), fields=problems)
    response = form.response
    if response is None:
        response = NeedsResponse(survey_id=form.survey.id, user_id=user.id)
        db.session.add(response)
    response.unit_id = user.unit_id
    response.method = str(values["method"])
    response.comment = str(values.get("comment") or "").strip()
    response.submitted_at = now()
    db.session.flush()
    db.session.execute(delete(NeedsRating).where(NeedsRating.response_id == response.id))
    db.session.execute(
        insert(NeedsRating),
        [{"response_id": response.id, "topic_id": topic_id, "rating": r} for topic_id, r in ratings.items()],
    )
    return response


def _topic_of(survey_id: int, topic_id: int) -> NeedsTopic:
    topic = db.session.get(NeedsTopic, topic_id) if 0 < topic_id <= MAX_ID else None
    if topic is None or topic.survey_id != survey_id:
        raise Invalid(_("Topik tidak ditemukan."), fields={"topic": _("Topik tidak ditemukan.")})
    return topic


def link_course(actor: Actor, survey_id: int, topic_id: int, code: str) -> None:
    """Link a need to a live course that answers it (linking twice changes nothing)."""
    survey, _unit = managed(actor, survey_id)
    topic = _topic_of(survey.id, topic_id)
    course = snapshot().by_code.get(code.strip().upper()) if len(code) <= 64 else None
    if course is None:
        raise Invalid(_("Kursus tidak ditemukan."), fields={"course": _("Kursus tidak ditemukan.")})
    exists = db.session.get(NeedsTopicCourse, (topic.id, course.course.id))
    if exists is None:
        db.session.add(NeedsTopicCourse(topic_id=topic.id, course_id=course.course.id))
        audit.record(
            actor,
            "needs.link",
            target_type="needs_survey",
            target_id=survey.id,
            summary=f"need '{topic.title[:200]}' linked to {course.course.code}",
            details={"topic": topic.id, "course": course.course.code},
        )
        db.session.flush()


def unlink_course(actor: Actor, survey_id: int, topic_id: int, code: str) -> None:
    """Remove a course from a need."""
    survey, _unit = managed(actor, survey_id)
    topic = _topic_of(survey.id, topic_id)
    course = snapshot().by_code.get(code.strip().upper()) if len(code) <= 64 else None
    row = db.session.get(NeedsTopicCourse, (topic.id, course.course.id)) if course is not None else None
    if row is not None and course is not None:
        db.session.delete(row)
        audit.record(
            actor,
            "needs.unlink",
            target_type="needs_survey",
            target_id=survey.id,
            summary=f"need '{topic.title[:200]}' unlinked from {course.course.code}",
            details={"topic": topic.id, "course": course.course.code},
        )
        db.session.flush()


def close(actor: Actor, survey_id: int) -> None:
    """Stop taking answers now (closing a closed survey changes nothing)."""
    survey, _unit = managed(actor, survey_id)
    if survey.closed_at is None:
        survey.closed_at = now()
        audit.record(actor, "needs.close", target_type="needs_survey", target_id=survey.id, summary="closed")
        db.session.flush()
