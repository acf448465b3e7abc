"""Discussion posts and reports of posts.

A post without ``root_id`` opens a thread (of a course, or of one lesson when ``lesson_id`` is
set); replies point at their thread's root. A hidden post stays in the table with who hid it, when
and why, for the record; only moderators see it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import Base, IdMixin
from elearn.core.time import now


class DiscussionPost(IdMixin, Base):
    """A thread's opening post (``root_id`` None) or a reply to it."""

    __tablename__ = "discussion_posts"
    __table_args__ = (
        Index("ix_discussion_posts_threads", "course_id", "lesson_id", "root_id", "last_activity_at"),
        Index("ix_discussion_posts_root_id_created_at", "root_id", "created_at"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_posts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The Markdown as written, and its sanitised HTML (rendered once, when written).
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    #: The author taught the course when they wrote it (their posts are marked).
    by_instructor: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    edited_at: Mapped[dt.datetime | None]
    #: A thread's latest post (threads are listed by it); replies keep their own time.
    last_activity_at: Mapped[dt.datetime] = mapped_column(default=now)
    reply_count: Mapped[int] = mapped_column(default=0)
    report_count: Mapped[int] = mapped_column(default=0)
    hidden_at: Mapped[dt.datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))


class DiscussionReport(Base):
    """Someone reported a post to the moderators (once per person and post)."""

    __tablename__ = "discussion_reports"

    post_id: Mapped[int] = mapped_column(ForeignKey("discussion_posts.id"), primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
