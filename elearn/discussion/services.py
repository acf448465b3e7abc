"""Discussion use cases: open a discussion, write a thread or a reply, edit, report, hide, restore.

Every write checks first (who, which place, the text: at most ``MAX_POST`` characters of Markdown
that is cheap to render) and counts against the per-person flood limit before it writes, so a
refusal leaves nothing behind. Posts are rendered and sanitised once, when written, like lessons.
Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from elearn.accounts.models import User
from elearn.audit import services as audit
from elearn.catalogue.policy import teaches
from elearn.catalogue.structure import CourseInfo, ItemRow, live_structure, snapshot
from elearn.core.limits import Limit, allowed
from elearn.core.markup import markdown_problem, markdown_to_safe_html
from elearn.core.time import now
from elearn.discussion.models import DiscussionPost, DiscussionReport
from elearn.discussion.policy import MAX_POST, MAX_REASON, body_problem, may_edit, moderates, takes_part
from elearn.enrolment.services import actor_of
from elearn.errors import Conflict, Forbidden, Invalid, NotFound, TooManyAttempts
from elearn.extensions import db
from elearn.progress.state import learner_state

#: Posts (threads and replies) one person may write: enough for a lively discussion, not a flood.
POST_LIMIT = Limit("discussion-post", 10, dt.timedelta(minutes=10))
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Place:
    """A discussion (a course's, or one lesson's) as one person may use it."""

    course: CourseInfo
    lesson: ItemRow | None
    user_id: int
    teaching: bool
    moderator: bool

    @property
    def lesson_id(self) -> int | None:
        """The lesson whose discussion this is (None: the course's)."""
        return self.lesson.id if self.lesson is not None else None


def _place(user: User, course: CourseInfo, lesson: ItemRow | None) -> Place:
    """Refuse anyone who does not take part (403 with why), for a course whose discussion is on."""
    if course.discussion == "off" or (lesson is not None and course.discussion != "lessons"):
        raise NotFound(_("Diskusi tidak ditemukan."))
    actor = actor_of(user)
    teaching = teaches(actor, course.instructors)
    enrolled = False
    if not (teaching or actor.is_admin):
        enrolment = learner_state(user.id, course.id).enrolments.get(course.id)
        if enrolment is not None and enrolment.status == "pending":
            raise Forbidden(_("Pendaftaran Anda masih menunggu persetujuan."), code="enrolment_pending")
        enrolled = enrolment is not None and enrolment.status == "active"
    if not takes_part(enrolled=enrolled, teaches=teaching, is_admin=actor.is_admin):
        raise Forbidden(_("Diskusi ini hanya untuk peserta dan instruktur kursus."), code="not_enrolled")
    return Place(course, lesson, user.id, teaching, moderates(teaches=teaching, is_admin=actor.is_admin))


def course_place(user: User, code: str) -> Place:
    """The course's discussion (404: no such course, or its discussion is off)."""
    return _place(user, live_structure(code).course, None)


def lesson_place(user: User, lesson_id: int, code: str | None = None) -> Place:
    """A lesson's discussion (of course ``code`` when given), when its course holds one per lesson."""
    current = snapshot()
    course_id = current.course_of_lesson.get(lesson_id) if 0 < lesson_id <= MAX_ID else None
    structure = current.by_id[course_id] if course_id is not None else None
    if structure is None or (code is not None and structure.course.code != code.strip().upper()):
        raise NotFound(_("Diskusi tidak ditemukan."))
    lesson = next(item for item in structure.items if item.type == "lesson" and item.id == lesson_id)
    return _place(user, structure.course, lesson)


def post_place(user: User, post_id: int) -> tuple[DiscussionPost, Place]:
    """A post and its discussion (404 for a post of an archived course or lesson, or none at all)."""
    post = db.session.get(DiscussionPost, post_id) if 0 < post_id <= MAX_ID else None
    structure = snapshot().by_id.get(post.course_id) if post is not None else None
    if post is None or structure is None:
        raise NotFound(_("Pesan tidak ditemukan."))
    lesson = None
    if post.lesson_id is not None:
        lesson = next((i for i in structure.items if i.type == "lesson" and i.id == post.lesson_id), None)
        if lesson is None:
            raise NotFound(_("Pesan tidak ditemukan."))
    return post, _place(user, structure.course, lesson)


def _checked_body(body: str) -> str:
    """The post's Markdown rendered and sanitised; 422 for an empty, too long or too costly text."""
    problem = body_problem(body)
    if problem == "empty":
        raise Invalid(_("Tulis pesan Anda."), fields={"body": _("Wajib diisi.")})
    if problem == "too_long":
        message = _("Pesan paling banyak %(n)d karakter.", n=MAX_POST)
        raise Invalid(message, fields={"body": message})
    if markdown_problem(body) is not None:
        message = _("Pesan terlalu rumit untuk ditampilkan: sederhanakan daftar, kutipan, atau tanda kurung.")
        raise Invalid(message, fields={"body": message})
    return markdown_to_safe_html(body.strip())


def _count_against_limit(user_id: int) -> None:
    if not allowed(POST_LIMIT, f"user:{user_id}"):
        raise TooManyAttempts(_("Terlalu banyak pesan dalam waktu singkat. Tunggu beberapa menit."))


def write_thread(user: User, place: Place, body: str) -> DiscussionPost:
    """Open a thread in ``place``."""
    html = _checked_body(body)
    _count_against_limit(user.id)
    moment = now()
    post = DiscussionPost(
        course_id=place.course.id,
        lesson_id=place.lesson_id,
        author_id=user.id,
        body=body.strip(),
        html=html,
        by_instructor=place.teaching,
        created_at=moment,
        last_activity_at=moment,
    )
    db.session.add(post)
    db.session.flush()
    return post


def write_reply(user: User, post_id: int, body: str) -> DiscussionPost:
    """Reply to a thread (a reply to a reply joins the same thread); 409 when the post is hidden."""
    target, place = post_place(user, post_id)
    if target.hidden_at is not None:
        raise Conflict(_("Pesan ini disembunyikan moderator dan tidak dapat dibalas."), code="hidden")
    root_id = target.root_id or target.id
    html = _checked_body(body)
    _count_against_limit(user.id)
    moment = now()
    reply = DiscussionPost(
        course_id=target.course_id,
        lesson_id=target.lesson_id,
        root_id=root_id,
        author_id=user.id,
        body=body.strip(),
        html=html,
        by_instructor=place.teaching,
        created_at=moment,
        last_activity_at=moment,
    )
    db.session.add(reply)
    db.session.execute(
        update(DiscussionPost)
        .where(DiscussionPost.id == root_id)
        .values(reply_count=DiscussionPost.reply_count + 1, last_activity_at=moment)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return reply


def check_editable(user: User, post: DiscussionPost) -> None:
    """Refuse (403) editing a post that is not the user's, is hidden, or is older than 30 minutes."""
    hidden = post.hidden_at is not None
    if not may_edit(author_id=post.author_id, user_id=user.id, created_at=post.created_at, moment=now(), hidden=hidden):
        raise Forbidden(_("Pesan hanya dapat diubah penulisnya dalam 30 menit setelah dikirim."), code="edit_closed")


def edit_post(user: User, post_id: int, body: str) -> DiscussionPost:
    """Change one's own post within 30 minutes of writing it (403 after, or for anyone else)."""
    post, _place_ = post_place(user, post_id)
    check_editable(user, post)
    html = _checked_body(body)
    post.body, post.html, post.edited_at = body.strip(), html, now()
    db.session.flush()
    return post


def _reason(reason: str | None, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise Invalid(_("Tuliskan alasannya."), fields={"reason": _("Wajib diisi.")})
    if len(text) > MAX_REASON:
        message = _("Alasan paling banyak %(n)d karakter.", n=MAX_REASON)
        raise Invalid(message, fields={"reason": message})
    return text


def report_post(user: User, post_id: int, reason: str | None) -> bool:
    """Report someone else's post to the moderators, once; whether this report is new."""
    post, _place_ = post_place(user, post_id)
    if post.author_id == user.id:
        raise Conflict(_("Anda tidak dapat melaporkan pesan Anda sendiri."), code="own_post")
    text = _reason(reason, required=False)
    dialect: Any = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = DiscussionReport.__table__
    statement = (
        dialect.insert(table)
        .values(post_id=post.id, reporter_id=user.id, reason=text, created_at=now())
        .on_conflict_do_nothing()
        .returning(table.c.post_id)
    )
    if db.session.execute(statement).first() is None:  # reported already (or concurrently): nothing changes
        return False
    db.session.execute(
        update(DiscussionPost)
        .where(DiscussionPost.id == post.id)
        .values(report_count=DiscussionPost.report_count + 1)
        .execution_options(synchronize_session=False)
    )
    return True


def hide_post(user: User, post_id: int, reason: str | None) -> DiscussionPost:
    """Hide a post with a reason (moderators); kept, with who, when and why, and shown to moderators."""
    post, place = post_place(user, post_id)
    if not place.moderator:
        raise Forbidden(_("Hanya instruktur kursus yang dapat memoderasi diskusi."))
    text = _reason(reason, required=True)
    if post.hidden_at is None:
        post.hidden_at, post.hidden_by_id, post.hidden_reason = now(), user.id, text
        audit.record(
            user,
            "discussion.hide",
            target_type="discussion_post",
            target_id=post.id,
            summary=f"post {post.id} in {place.course.code} hidden",
            details={"course": place.course.code, "author_id": post.author_id, "reason": text},
        )
        db.session.flush()
    return post


def unhide_post(user: User, post_id: int) -> DiscussionPost:
    """Show a hidden post again (moderators)."""
    post, place = post_place(user, post_id)
    if not place.moderator:
        raise Forbidden(_("Hanya instruktur kursus yang dapat memoderasi diskusi."))
    if post.hidden_at is not None:
        post.hidden_at, post.hidden_by_id, post.hidden_reason = None, None, None
        audit.record(
            user,
            "discussion.unhide",
            target_type="discussion_post",
            target_id=post.id,
            summary=f"post {post.id} in {place.course.code} shown again",
            details={"course": place.course.code},
        )
        db.session.flush()
    return post


def author_name(user_id: int) -> str:
    """A post author's name (for messages)."""
    return db.session.scalar(select(User.name).where(User.id == user_id)) or ""
