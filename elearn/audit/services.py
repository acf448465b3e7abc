"""Writing the audit log: one call per administrative act, in the act's own transaction.

Services call ``record`` right where the act happens, so the entry commits (or rolls back) with
it; the client address comes from the request when there is one (the CLI leaves it empty).
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from elearn.audit.models import AuditEntry
from elearn.core.time import now
from elearn.extensions import db


def record(
    actor: Any | None,
    action: str,
    *,
    target_type: str = "",
    target_id: object = "",
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry for an act by ``actor`` (a ``User``, an ``Actor`` or None for the system).

    ``action`` is a dotted verb such as ``enrolment.approve`` or ``user.deactivate``; ``details``
    must never hold a password, token or key.
    """
    entry = AuditEntry(
        at=now(),
        actor_id=getattr(actor, "user_id", None) or getattr(actor, "id", None),
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:100],
        summary=summary[:500],
        details=details or {},
        address=(request.remote_addr or "")[:64] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry
