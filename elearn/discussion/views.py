"""Pages of a course's discussion (and its lessons'): threads, a thread, write, reply, edit, report,
moderate. Plain forms and links: no script, light on a phone."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.discussion import services
from elearn.discussion.policy import MAX_POST, MAX_REASON
from elearn.discussion.queries import reply_page, reported, thread, threads
from elearn.errors import Forbidden, Invalid
from elearn.extensions import db

bp = Blueprint("discussion", __name__)


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _thread_url(post: Any, **anchor: Any) -> str:
    """Where a post is seen: its thread (the page of a reply), at the post."""
    if post.root_id is None:
        return url_for("discussion.thread", post_id=post.id) + f"#pesan-{post.id}"
    return url_for("discussion.thread", post_id=post.root_id, page=reply_page(post)) + f"#pesan-{post.id}"


def _place_page(place: Any) -> Any:
    """A discussion's threads, with the form that opens a new one (POST: open it)."""
    body, error, status = "", None, 200
    if request.method == "POST":
        body = request.form.get("body", "")
        try:
            post = services.write_thread(current_user, place, body)
        except Invalid as refused:
            db.session.rollback()
            error, status = refused.message, 422
        else:
            db.session.commit()
            return redirect(_thread_url(post))
    page = threads(place, _page())
    return render_template("discussion/threads.html", page=page, body=body, error=error, max_post=MAX_POST), status


@bp.route("/courses/<code>/discussion", methods=["GET", "POST"])
@login_required
def course_discussion(code: str) -> Any:
    """The course's discussion."""
    return _place_page(services.course_place(current_user, code))


@bp.route("/lessons/<int:lesson_id>/discussion", methods=["GET", "POST"])
@login_required
def lesson_discussion(lesson_id: int) -> Any:
    """One lesson's discussion (courses with ``discussion: lessons``)."""
    return _place_page(services.lesson_place(current_user, lesson_id))


@bp.get("/discussion/<int:post_id>", endpoint="thread")
@login_required
def thread_page(post_id: int) -> Any:
    """A thread and a page of its replies, with the reply form; a reply's id leads to its thread."""
    found = thread(current_user, post_id, _page())
    if found.root.post.root_id is not None:
        return redirect(_thread_url(found.root.post))
    return render_template("discussion/thread.html", thread=found, body="", error=None, max_post=MAX_POST)


@bp.post("/discussion/<int:post_id>/replies")
@login_required
def reply(post_id: int) -> Any:
    """Reply to a thread."""
    body = request.form.get("body", "")
    try:
        post = services.write_reply(current_user, post_id, body)
    except Invalid as refused:
        db.session.rollback()
        found = thread(current_user, post_id, _page())
        page = render_template(
            "discussion/thread.html", thread=found, body=body, error=refused.message, max_post=MAX_POST
        )
        return page, 422
    db.session.commit()
    return redirect(_thread_url(post))


@bp.route("/discussion/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int) -> Any:
    """Change one's own post (within 30 minutes of writing it)."""
    post, place = services.post_place(current_user, post_id)
    body, error, status = post.body, None, 200
    if request.method == "POST":
        body = request.form.get("body", "")
        try:
            post = services.edit_post(current_user, post_id, body)
        except Invalid as refused:
            db.session.rollback()
            error, status = refused.message, 422
        else:
            db.session.commit()
            flash(_("Pesan diperbarui."), "success")
            return redirect(_thread_url(post))
    else:
        services.check_editable(current_user, post)
    return render_template(
        "discussion/edit.html", post=post, place=place, body=body, error=error, max_post=MAX_POST
    ), status


@bp.post("/discussion/<int:post_id>/report")
@login_required
def report(post_id: int) -> Any:
    """Report a post to the moderators."""
    try:
        services.report_post(current_user, post_id, request.form.get("reason"))
    except Invalid as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash(_("Terima kasih. Pesan ini dilaporkan kepada moderator."), "success")
    post, _place = services.post_place(current_user, post_id)
    return redirect(_thread_url(post))


@bp.post("/discussion/<int:post_id>/hide")
@login_required
def hide(post_id: int) -> Any:
    """Hide a post, with a reason (moderators)."""
    try:
        post = services.hide_post(current_user, post_id, request.form.get("reason"))
    except Invalid as refused:
        db.session.rollback()
        flash(refused.message, "error")
        post, _place = services.post_place(current_user, post_id)
        return redirect(_thread_url(post))
    db.session.commit()
    flash(_("Pesan disembunyikan."), "success")
    return redirect(_thread_url(post))


@bp.post("/discussion/<int:post_id>/unhide")
@login_required
def unhide(post_id: int) -> Any:
    """Show a hidden post again (moderators)."""
    post = services.unhide_post(current_user, post_id)
    db.session.commit()
    flash(_("Pesan ditampilkan kembali."), "success")
    return redirect(_thread_url(post))


@bp.get("/courses/<code>/discussion/reported")
@login_required
def reported_posts(code: str) -> Any:
    """Reported posts of the course, for its moderators."""
    place = services.course_place(current_user, code)
    if not place.moderator:
        raise Forbidden(_("Hanya instruktur kursus yang dapat memoderasi diskusi."))
    return render_template("discussion/reported.html", place=place, posts=reported(place), max_reason=MAX_REASON)
