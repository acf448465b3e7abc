"""The audit log page (admins): read and filter; there is no way to change an entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.audit.queries import AuditFilter, known_actions, list_entries
from elearn.enrolment.services import actor_of
from elearn.errors import Forbidden
from elearn.people.policy import reads_audit_log

bp = Blueprint("audit", __name__, url_prefix="/admin")
PER_PAGE = 50
MAX_PAGE = 100_000


def _date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


@bp.get("/audit")
@login_required
def entries() -> Any:
    """Administrative acts, newest first, filtered by action, actor, target and dates."""
    if not reads_audit_log(actor_of(current_user)):
        raise Forbidden(_("Hanya admin yang membaca log audit."))
    criteria = AuditFilter(
        action=request.args.get("action", "").strip()[:60],
        actor=request.args.get("actor", "").strip()[:64],
        target=request.args.get("target", "").strip()[:100],
        since=_date("since"),
        until=_date("until"),
    )
    page_number = min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)
    page = list_entries(criteria, timezone=current_app.config["ELEARN_TIMEZONE"], page=page_number, per_page=PER_PAGE)
    return render_template("audit/entries.html", page=page, criteria=criteria, actions=known_actions())
