"""Notifications and the mail outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import Base, IdMixin
from elearn.core.time import now


class Notification(IdMixin, Base):
    """Something that happened to a person, shown under the header's bell until read.

    ``params`` are the plain values its message is written from in the reader's language (a course's
    code and title, a reason): only what the person may see about themselves.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # The header's unread count and the list, newest first: one index range per person.
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    read_at: Mapped[dt.datetime | None]


class OutgoingMail(IdMixin, Base):
    """An email waiting to be sent: written in the transaction that caused it, sent after it commits
    (``elearn mail send``), deleted once the SMTP server took it.

    A notification's email is written from the notification when sent (in the recipient's language, to
    their address of that moment); other mail (a password-reset link) carries its own text.
    """

    __tablename__ = "outgoing_mail"

    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    to_address: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    #: A sender holds the row until then (several senders never send one mail twice).
    claimed_until: Mapped[dt.datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: Given up after too many failures: kept for the operator, no longer tried.
    failed_at: Mapped[dt.datetime | None]
