"""Reading the audit log: newest first, filtered by action, actor, target and dates, one page at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select

from elearn.audit.models import AuditEntry
from elearn.extensions import db


@dataclass(frozen=True)
class AuditFilter:
    """What to show: every given criterion must match (``since``/``until`` are local dates, inclusive)."""

    action: str = ""
    actor: str = ""
    target: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class AuditPage:
    """A page of entries and how many match."""

    items: list[AuditEntry]
    total: int
    page: int
    per_page: int


def _filtered(criteria: AuditFilter, timezone: str) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if criteria.action:
        # "user" matches every user.* action; "user.role" exactly that one.
        family = AuditEntry.action.startswith(criteria.action + ".", autoescape=True)
        query = query.where(or_(AuditEntry.action == criteria.action, family))
    if criteria.actor:
        query = query.where(AuditEntry.actor_username == criteria.actor.strip().lower())
    if criteria.target:
        query = query.where(AuditEntry.target_id == criteria.target.strip())
    zone = ZoneInfo(timezone)
    if criteria.since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(criteria.since, dt.time(), zone))
    if criteria.until:
        query = query.where(AuditEntry.at < dt.datetime.combine(criteria.until + dt.timedelta(days=1), dt.time(), zone))
    return query


def list_entries(criteria: AuditFilter, *, timezone: str, page: int = 1, per_page: int = 50) -> AuditPage:
    """Entries matching ``criteria``, newest first, in two queries."""
    query = _filtered(criteria, timezone)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return AuditPage(list(items), total, page, per_page)


def known_actions() -> list[str]:
    """Every action the log holds (for the filter's choices)."""
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
