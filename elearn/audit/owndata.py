"""The audit part of a person's data export: administrative acts they did, and acts done to their account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.core.owndata import section
from elearn.extensions import db


@section("audit", order=80)
def audit_entries(user: User) -> list[dict[str, Any]]:
    """Entries where the person acted or their account was acted on (who, when, what, from where)."""
    about = and_(AuditEntry.target_type == "user", AuditEntry.target_id == user.username)
    entries = db.session.scalars(
        select(AuditEntry).where(or_(AuditEntry.actor_id == user.id, about)).order_by(AuditEntry.at, AuditEntry.id)
    )
    return [
        {
            "at": entry.at,
            "actor": entry.actor_username,
            "action": entry.action,
            "target": f"{entry.target_type}:{entry.target_id}",
            "summary": entry.summary,
            "address": entry.address,
        }
        for entry in entries
    ]
