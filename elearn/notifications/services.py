"""Notifying people: one call from the domain service where something happened to someone.

``notify`` writes the notification and, when SMTP is configured, its email into the outbox, in the
caller's transaction: both exist exactly when what caused them was committed, and the email is sent
after that commit by ``elearn mail send`` (``mail.py``), never inside the request. Services flush and
never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, insert, select, update

from elearn.core.database import chunks
from elearn.core.time import now
from elearn.extensions import db
from elearn.notifications.kinds import KINDS
from elearn.notifications.models import Notification, OutgoingMail


def mail_configured() -> bool:
    """Whether email can be sent at all (``ELEARN_SMTP_URL`` is set)."""
    return bool(current_app.config.get("ELEARN_SMTP_URL"))


def _checked(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    found = KINDS.get(kind)
    if found is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    missing = [name for name in found.params if params.get(name) in (None, "")]
    if missing:
        raise ValueError(f"notification {kind!r} needs {', '.join(missing)}")
    return {name: value for name, value in params.items() if value is not None}


def notify(user_id: int, kind: str, **params: Any) -> None:
    """Tell ``user_id`` that ``kind`` happened (``params``: the values its message names, e.g.
    ``notify(learner.id, "enrolment_rejected", course="LD-101", title="Literasi Digital", reason="...")``)."""
    notify_many([user_id], kind, **params)


def notify_many(user_ids: Iterable[int], kind: str, **params: Any) -> None:
    """Tell every one of ``user_ids`` the same thing (bulk enrolment): a few statements per thousand people."""
    values = _checked(kind, params)
    ids = sorted(set(user_ids))
    if not ids:
        return
    moment = now()
    mail = mail_configured()
    for chunk in chunks(ids):
        rows = [{"user_id": user_id, "kind": kind, "params": values, "created_at": moment} for user_id in chunk]
        if not mail:
            db.session.execute(insert(Notification), rows)
            continue
        # Whether the person has an address is decided when the mail is sent: one statement less here.
        created = db.session.scalars(insert(Notification).returning(Notification.id), rows).all()
        db.session.execute(
            insert(OutgoingMail),
            [{"notification_id": notification_id, "created_at": moment} for notification_id in created],
        )
    db.session.flush()


def queue_mail(to_address: str, subject: str, body: str) -> None:
    """Send an email of its own (not a notification) after the caller's transaction commits."""
    db.session.add(OutgoingMail(to_address=to_address, subject=subject, body=body, created_at=now()))
    db.session.flush()


def unread_count_column(user_id_column: Any) -> Any:
    """A scalar subquery: the unread notifications of the user whose id is ``user_id_column`` (read in the
    request's user look-up, so the header's bell costs no query of its own)."""
    return (
        select(func.count())
        .where(and_(Notification.user_id == user_id_column, Notification.read_at.is_(None)))
        .scalar_subquery()
    )


def mark_read(user_id: int, up_to: int | None = None) -> int:
    """Mark ``user_id``'s unread notifications read (those with an id up to ``up_to`` when given: the ones
    the person was shown); how many."""
    statement = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if up_to is not None:
        statement = statement.where(Notification.id <= up_to)
    result: Any = db.session.execute(statement.values(read_at=now()).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)
