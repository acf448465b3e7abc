"""Needs-survey read models: the surveys a coordinator manages, the ones waiting for a person, and
what the catalogue shows of a person's unit's needs (one query)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all

from elearn.accounts.models import Unit, User
from elearn.catalogue.policy import Actor
from elearn.enrolment.services import enrolment_today
from elearn.evaluation.models import NeedsResponse, NeedsSurvey, NeedsTopic, NeedsTopicCourse
from elearn.evaluation.needs import ancestors, asked, in_scope, is_open
from elearn.extensions import db


@dataclass(frozen=True)
class ManagedSurvey:
    """A line of the coordinator's list."""

    survey: NeedsSurvey
    unit: str
    responses: int
    is_open: bool


def managed_surveys(actor: Actor) -> list[ManagedSurvey]:
    """The needs surveys the actor manages, newest first, with their response counts (one query)."""
    responses = (
        select(func.count()).where(NeedsResponse.survey_id == NeedsSurvey.id).correlate(NeedsSurvey).scalar_subquery()
    )
    rows = db.session.execute(
        select(NeedsSurvey, Unit.path, responses)
        .join(Unit, Unit.id == NeedsSurvey.unit_id)
        .where(in_scope(actor))
        .order_by(NeedsSurvey.created_at.desc(), NeedsSurvey.id.desc())
        .limit(200)
    ).all()
    today = enrolment_today()
    return [ManagedSurvey(survey, path, int(n), is_open(survey, today)) for survey, path, n in rows]


@dataclass(frozen=True)
class WaitingSurvey:
    """An open needs survey of the person's unit, and whether they answered it."""

    survey: NeedsSurvey
    answered: bool


def surveys_for(user: User) -> list[WaitingSurvey]:
    """Open needs surveys asking ``user`` (their unit's or a parent unit's), with their answer state."""
    if not user.unit_path:
        return []
    today = enrolment_today()
    answered = (
        select(NeedsResponse.id)
        .where(NeedsResponse.survey_id == NeedsSurvey.id, NeedsResponse.user_id == user.id)
        .correlate(NeedsSurvey)
        .exists()
    )
    rows = db.session.execute(
        asked(user)
        .add_columns(answered)
        .where(NeedsSurvey.closed_at.is_(None), NeedsSurvey.opens_on <= today, NeedsSurvey.closes_on >= today)
        .order_by(NeedsSurvey.closes_on, NeedsSurvey.id)
    ).all()
    return [WaitingSurvey(survey, bool(done)) for survey, done in rows]


@dataclass(frozen=True)
class CatalogueNeeds:
    """What the catalogue shows of a person's unit's needs."""

    recommended: frozenset[int] = frozenset()  # courses linked to needs of the person's units
    waiting: int = 0  # open needs surveys the person has not answered


def catalogue_needs(user: User) -> CatalogueNeeds:
    """Courses linked to needs of surveys published to the person's unit or a unit above it, and
    how many open needs surveys wait for their answer (one query; none without a unit)."""
    if not user.unit_path:
        return CatalogueNeeds()
    units = ancestors(user.unit_path)
    today = enrolment_today()
    linked = (
        select(literal("c").label("kind"), NeedsTopicCourse.course_id.label("id"))
        .join(NeedsTopic, NeedsTopic.id == NeedsTopicCourse.topic_id)
        .join(NeedsSurvey, NeedsSurvey.id == NeedsTopic.survey_id)
        .join(Unit, Unit.id == NeedsSurvey.unit_id)
        .where(Unit.path.in_(units))
    )
    answered = select(NeedsResponse.survey_id).where(NeedsResponse.user_id == user.id)
    waiting = (
        select(literal("s"), NeedsSurvey.id)
        .join(Unit, Unit.id == NeedsSurvey.unit_id)
        .where(
            Unit.path.in_(units),
            NeedsSurvey.closed_at.is_(None),
            NeedsSurvey.opens_on <= today,
            NeedsSurvey.closes_on >= today,
            NeedsSurvey.id.not_in(answered),
        )
    )
    rows = db.session.execute(union_all(linked, waiting)).all()
    return CatalogueNeeds(
        recommended=frozenset(row[1] for row in rows if row[0] == "c"),
        waiting=sum(1 for row in rows if row[0] == "s"),
    )
