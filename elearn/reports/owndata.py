"""The JP part of a person's data export: their ledger and the outside learning they reported."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from elearn.accounts.models import User
from elearn.core.owndata import section
from elearn.extensions import db
from elearn.reports.models import ExternalRecord, JpEntry


@section("jp_ledger", order=55)
def jp_ledger(user: User) -> list[dict[str, Any]]:
    """Every JP entry counted for the person, every year, oldest first."""
    rows = db.session.scalars(select(JpEntry).where(JpEntry.user_id == user.id).order_by(JpEntry.earned_at, JpEntry.id))
    return [
        {
            "source": entry.source,
            "title": entry.title,
            "competency": entry.competency,
            "method": entry.method,
            "organiser": entry.organiser,
            "jp": entry.jp,
            "started_on": entry.started_on,
            "ended_on": entry.ended_on,
            "earned_at": entry.earned_at,
        }
        for entry in rows
    ]


@section("external_records", order=56)
def external_records(user: User) -> list[dict[str, Any]]:
    """Learning outside elearn the person reported, with the decision on it (the evidence file stays
    downloadable from the records page; its name, type and size are listed here)."""
    decider = aliased(User)
    rows = db.session.execute(
        select(ExternalRecord, decider.username)
        .outerjoin(decider, decider.id == ExternalRecord.decided_by_id)
        .where(ExternalRecord.user_id == user.id)
        .order_by(ExternalRecord.submitted_at, ExternalRecord.id)
    )
    return [
        {
            "title": record.title,
            "method": record.method,
            "competency": record.competency,
            "organiser": record.organiser,
            "started_on": record.started_on,
            "ended_on": record.ended_on,
            "jp": record.jp,
            "status": record.status,
            "submitted_at": record.submitted_at,
            "decided_at": record.decided_at,
            "decided_by": decided_by,
            "decision_reason": record.decision_reason,
            "evidence": {"name": record.evidence_name, "type": record.evidence_type, "size": record.evidence_size},
        }
        for record, decided_by in rows
    ]
