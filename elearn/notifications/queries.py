"""A person's notifications, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.notifications.kinds import link_of, message_of
from elearn.notifications.models import Notification


@dataclass(frozen=True)
class NotificationPage:
    """One page of a person's notifications and how many they have."""

    items: list[Notification]
    total: int
    page: int
    per_page: int


def latest(user_id: int, limit: int = 5) -> list[Notification]:
    """The newest ``limit`` notifications of ``user_id`` (one query)."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def page_of(user_id: int, page: int = 1, per_page: int = 20) -> NotificationPage:
    """A page of ``user_id``'s notifications, newest first, and the total (two queries)."""
    total = db.session.scalar(select(func.count()).where(Notification.user_id == user_id)) or 0
    items = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return NotificationPage(items, int(total), page, per_page)


def shown(notification: Notification) -> dict[str, Any]:
    """What a page or the API shows of a notification: its sentence in the current language and its link."""
    return {
        "notification": notification,
        "message": message_of(notification.kind, notification.params or {}),
        "link": link_of(notification.kind, notification.params or {}),
    }
