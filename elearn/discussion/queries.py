"""Discussion read models: a page of threads, a thread with a page of its replies, reported posts.

Each is a fixed number of queries whatever the number of posts (posts and their authors in one
join, the total in another). A hidden post keeps its place; only moderators see its text and why
it was hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.core.time import now
from elearn.discussion.models import DiscussionPost
from elearn.discussion.policy import may_edit
from elearn.discussion.services import Place, post_place
from elearn.extensions import db

THREADS_PER_PAGE = 20
REPLIES_PER_PAGE = 30
MAX_PAGE = 100_000


@dataclass(frozen=True)
class PostView:
    """A post as one reader sees it."""

    post: DiscussionPost
    author: str
    can_edit: bool
    visible: bool  # its text is shown (not hidden, or the reader moderates)


@dataclass(frozen=True)
class PostPage:
    """A page of posts and how many there are."""

    place: Place
    items: list[PostView]
    page: int
    per_page: int
    total: int


@dataclass(frozen=True)
class Thread:
    """A thread's opening post and a page of its replies (oldest first)."""

    place: Place
    root: PostView
    replies: PostPage


def _view(place: Place, post: DiscussionPost, author: str) -> PostView:
    hidden = post.hidden_at is not None
    editable = may_edit(
        author_id=post.author_id, user_id=place.user_id, created_at=post.created_at, moment=now(), hidden=hidden
    )
    return PostView(post, author, editable, visible=not hidden or place.moderator)


def _page(page: int) -> int:
    return min(max(page, 1), MAX_PAGE)


def threads(place: Place, page: int = 1, per_page: int = THREADS_PER_PAGE) -> PostPage:
    """A page of the place's threads, latest activity first (two queries)."""
    page = _page(page)
    where = (
        DiscussionPost.course_id == place.course.id,
        DiscussionPost.lesson_id.is_(None) if place.lesson is None else DiscussionPost.lesson_id == place.lesson.id,
        DiscussionPost.root_id.is_(None),
    )
    rows = db.session.execute(
        select(DiscussionPost, User.name)
        .join(User, User.id == DiscussionPost.author_id)
        .where(*where)
        .order_by(DiscussionPost.last_activity_at.desc(), DiscussionPost.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(DiscussionPost).where(*where)) or 0
    return PostPage(place, [_view(place, post, name) for post, name in rows], page, per_page, total)


def thread(user: User, post_id: int, page: int = 1, per_page: int = REPLIES_PER_PAGE) -> Thread:
    """The thread ``post_id`` opens (the caller redirects a reply's id to its thread), with a page
    of its replies."""
    root, place = post_place(user, post_id)
    page = _page(page)
    author = db.session.scalar(select(User.name).where(User.id == root.author_id)) or ""
    rows = db.session.execute(
        select(DiscussionPost, User.name)
        .join(User, User.id == DiscussionPost.author_id)
        .where(DiscussionPost.root_id == root.id)
        .order_by(DiscussionPost.created_at, DiscussionPost.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    replies = PostPage(place, [_view(place, post, name) for post, name in rows], page, per_page, root.reply_count)
    return Thread(place, _view(place, root, author), replies)


def reply_page(post: DiscussionPost, per_page: int = REPLIES_PER_PAGE) -> int:
    """The page of its thread a reply is on (counted in SQL)."""
    before = db.session.scalar(
        select(func.count())
        .select_from(DiscussionPost)
        .where(DiscussionPost.root_id == post.root_id, DiscussionPost.id < post.id)
    )
    return (before or 0) // per_page + 1


def reported(place: Place, limit: int = 200) -> list[PostView]:
    """The course's reported posts (any lesson), most reported first: what moderators look at."""
    rows = db.session.execute(
        select(DiscussionPost, User.name)
        .join(User, User.id == DiscussionPost.author_id)
        .where(DiscussionPost.course_id == place.course.id, DiscussionPost.report_count > 0)
        .order_by(DiscussionPost.report_count.desc(), DiscussionPost.id.desc())
        .limit(limit)
    ).all()
    return [_view(place, post, name) for post, name in rows]
