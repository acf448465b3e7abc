"""Discussion API: a course's (or lesson's) threads, a thread with its replies, write, reply, edit,
report, and moderation (hide with a reason, show again)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from elearn.api.auth import api_user, authenticated, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.api.schemas import PageNumberSchema, StrictSchema
from elearn.core.time import iso
from elearn.discussion import services
from elearn.discussion.policy import MAX_POST, MAX_REASON
from elearn.discussion.queries import PostPage, PostView, thread, threads
from elearn.extensions import db

blp = Blueprint("api_discussion", __name__, url_prefix="/api/v1", description="Course discussions")


class PostSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    thread = ma.fields.Integer(allow_none=True, metadata={"description": "the thread's opening post (null: this)"})
    lesson = ma.fields.Integer(allow_none=True)
    author = ma.fields.String(required=True)
    instructor = ma.fields.Boolean(required=True, metadata={"description": "written by an instructor of the course"})
    html = ma.fields.String(allow_none=True, metadata={"description": "null when hidden (moderators see it)"})
    hidden = ma.fields.Boolean(required=True)
    hidden_reason = ma.fields.String(allow_none=True, metadata={"description": "moderators only"})
    created_at = ma.fields.String(required=True)
    edited_at = ma.fields.String(allow_none=True)
    replies = ma.fields.Integer(required=True)
    reports = ma.fields.Integer(allow_none=True, metadata={"description": "moderators only"})
    editable = ma.fields.Boolean(required=True)


class PostPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PostSchema), required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)


class ThreadSchema(ma.Schema):
    post = ma.fields.Nested(PostSchema, required=True)
    replies = ma.fields.Nested(PostPageSchema, required=True)


class PlaceArgsSchema(PageNumberSchema):
    lesson = ma.fields.Integer(validate=ma.validate.Range(min=1), metadata={"description": "a lesson's discussion"})


class BodySchema(StrictSchema):
    body = ma.fields.String(required=True, metadata={"description": f"Markdown, at most {MAX_POST} characters"})


class NewPostSchema(BodySchema):
    lesson = ma.fields.Integer(validate=ma.validate.Range(min=1), metadata={"description": "a lesson's discussion"})


class ReasonSchema(StrictSchema):
    reason = ma.fields.String(load_default="", metadata={"description": f"at most {MAX_REASON} characters"})


def post_body(view: PostView, moderator: bool) -> dict[str, Any]:
    """A post as the caller may see it."""
    post = view.post
    return {
        "id": post.id,
        "thread": post.root_id,
        "lesson": post.lesson_id,
        "author": view.author,
        "instructor": post.by_instructor,
        "html": post.html if view.visible else None,
        "hidden": post.hidden_at is not None,
        "hidden_reason": post.hidden_reason if moderator else None,
        "created_at": iso(post.created_at),
        "edited_at": iso(post.edited_at),
        "replies": post.reply_count,
        "reports": post.report_count if moderator else None,
        "editable": view.can_edit,
    }


def page_body(page: PostPage) -> dict[str, Any]:
    """A page of posts."""
    moderator = page.place.moderator
    items = [post_body(view, moderator) for view in page.items]
    return {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total}


def _place(code: str, lesson: int | None) -> services.Place:
    user = api_user()
    return services.course_place(user, code) if lesson is None else services.lesson_place(user, lesson, code)


@blp.get("/courses/<code>/discussion")
@errors(e403="not_enrolled, enrolment_pending", e404="not_found (also: the course holds no such discussion)")
@authenticated()
@blp.arguments(PlaceArgsSchema, location="query")
@blp.response(200, PostPageSchema)
def list_threads(args: dict[str, Any], code: str) -> dict[str, Any]:
    """Threads of the course's discussion (or of one lesson's), latest activity first."""
    return page_body(threads(_place(code, args.get("lesson")), args["page"]))


@blp.post("/courses/<code>/discussion")
@errors(
    e403="not_enrolled, enrolment_pending",
    e404="not_found",
    e422="invalid (an empty, too long or too complex body)",
    e429="too_many_attempts",
)
@authenticated()
@blp.arguments(NewPostSchema)
@blp.response(201, PostSchema)
def new_thread(body: dict[str, Any], code: str) -> tuple[dict[str, Any], int]:
    """Open a thread."""
    place = _place(code, body.get("lesson"))
    post = services.write_thread(api_user(), place, body["body"])
    db.session.commit()
    return post_body(PostView(post, api_user().name, True, True), place.moderator), 201


@blp.get("/discussion/<int:post_id>")
@errors(e403="not_enrolled", e404="not_found")
@authenticated()
@blp.arguments(PageNumberSchema, location="query")
@blp.response(200, ThreadSchema)
def get_thread(args: dict[str, Any], post_id: int) -> dict[str, Any]:
    """A thread's opening post and a page of its replies (oldest first)."""
    found = thread(api_user(), post_id, args["page"])
    return {"post": post_body(found.root, found.place.moderator), "replies": page_body(found.replies)}


@blp.post("/discussion/<int:post_id>/replies")
@errors(e403="not_enrolled", e404="not_found", e409="hidden", e422="invalid", e429="too_many_attempts")
@authenticated()
@blp.arguments(BodySchema)
@blp.response(201, PostSchema)
def reply(body: dict[str, Any], post_id: int) -> tuple[dict[str, Any], int]:
    """Reply to a thread (a reply's id answers in the same thread)."""
    post = services.write_reply(api_user(), post_id, body["body"])
    db.session.commit()
    return post_body(PostView(post, api_user().name, True, True), False), 201


@blp.patch("/discussion/<int:post_id>")
@errors(e403="edit_closed (not the author, hidden, or after 30 minutes)", e404="not_found", e422="invalid")
@authenticated()
@blp.arguments(BodySchema)
@blp.response(200, PostSchema)
def edit(body: dict[str, Any], post_id: int) -> dict[str, Any]:
    """Change one's own post within 30 minutes of writing it."""
    post = services.edit_post(api_user(), post_id, body["body"])
    db.session.commit()
    return post_body(PostView(post, api_user().name, True, True), False)


@blp.post("/discussion/<int:post_id>/report")
@errors(e404="not_found", e409="own_post", e422="invalid")
@authenticated()
@blp.arguments(ReasonSchema)
@blp.response(204)
def report(body: dict[str, Any], post_id: int) -> None:
    """Report someone else's post to the moderators (reporting twice changes nothing)."""
    services.report_post(api_user(), post_id, body.get("reason"))
    db.session.commit()


@blp.post("/discussion/<int:post_id>/hide")
@errors(e403="forbidden (moderators: the course's instructors, admins)", e404="not_found", e422="invalid")
@authenticated()
@blp.arguments(ReasonSchema)
@blp.response(204)
def hide(body: dict[str, Any], post_id: int) -> None:
    """Hide a post with a reason; it is kept, and moderators still see it."""
    services.hide_post(api_user(), post_id, body.get("reason"))
    db.session.commit()


@blp.post("/discussion/<int:post_id>/unhide")
@errors(e403="forbidden", e404="not_found")
@authenticated()
@blp.response(204)
def unhide(post_id: int) -> None:
    """Show a hidden post again."""
    services.unhide_post(api_user(), post_id)
    db.session.commit()
