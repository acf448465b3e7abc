"""Pages: the signed-in person's notifications (the header's bell leads here)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from elearn.extensions import db
from elearn.notifications import queries, services

bp = Blueprint("notifications", __name__)
PER_PAGE = 20
MAX_PAGE = 100_000


@bp.get("/notifications")
@login_required
def index() -> Any:
    """The person's notifications, newest first; the unread ones on the page are marked read (they were
    shown: the bell's count goes back to zero)."""
    page = min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)
    found = queries.page_of(current_user.id, page, PER_PAGE)
    unread = [n.id for n in found.items if n.read_at is None]
    if unread:
        services.mark_read(current_user.id, up_to=max(unread))
        db.session.commit()
        current_user.unread_notifications = 0
    return render_template(
        "notifications/index.html",
        page=found,
        items=[queries.shown(n) for n in found.items],
        new_ids=set(unread),
    )
