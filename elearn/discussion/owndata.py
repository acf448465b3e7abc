"""The discussion part of a person's data export: every post they wrote, hidden ones included, and
the posts they reported."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.core.owndata import section
from elearn.discussion.models import DiscussionPost, DiscussionReport
from elearn.extensions import db


@section("discussion_posts", order=72)
def discussion_posts(user: User) -> list[dict[str, Any]]:
    """Their posts: where, when, the text as written, and whether (and why) a moderator hid it."""
    rows = db.session.execute(
        select(DiscussionPost, Course.code)
        .join(Course, Course.id == DiscussionPost.course_id)
        .where(DiscussionPost.author_id == user.id)
        .order_by(DiscussionPost.created_at, DiscussionPost.id)
    )
    return [
        {
            "id": post.id,
            "course": code,
            "lesson_id": post.lesson_id,
            "thread": post.root_id,
            "body": post.body,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "hidden_at": post.hidden_at,
            "hidden_reason": post.hidden_reason,
        }
        for post, code in rows
    ]


@section("discussion_reports", order=73)
def discussion_reports(user: User) -> list[dict[str, Any]]:
    """Posts they reported to moderators, with their reason."""
    rows = db.session.scalars(
        select(DiscussionReport).where(DiscussionReport.reporter_id == user.id).order_by(DiscussionReport.created_at)
    )
    return [{"post": report.post_id, "reason": report.reason, "reported_at": report.created_at} for report in rows]
