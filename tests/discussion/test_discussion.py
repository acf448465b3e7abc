"""Course discussions: threads and replies, marks, edits, reports, moderation, limits and refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.discussion.models import DiscussionPost, DiscussionReport
from elearn.extensions import db
from tests.discussion.conftest import Forum, send


def posts() -> int:
    return db.session.scalar(select(func.count()).select_from(DiscussionPost)) or 0


def open_thread(client: FlaskClient, body: str, path: str = "/courses/DSK-1/discussion") -> DiscussionPost:
    response = send(client, path, {"body": body})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    post = db.session.scalar(select(DiscussionPost).order_by(DiscussionPost.id.desc()))
    assert post is not None
    return post


def test_learners_and_the_instructor_write_threads_and_replies_and_instructors_are_marked(
    client: FlaskClient, forum: Forum, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, forum.users["siti"])
    root = open_thread(client, "Bagaimana **cara** menghitung IKM?")
    assert root.html == "<p>Bagaimana <strong>cara</strong> menghitung IKM?</p>" and not root.by_instructor
    login(client, forum.users["guru"])
    answer = send(client, f"/discussion/{root.id}/replies", {"body": "Lihat modul 3."})
    assert answer.status_code == 302 and f"#pesan-{root.id + 1}" in answer.headers["Location"]
    login(client, forum.users["budi"])
    send(client, f"/discussion/{root.id + 1}/replies", {"body": "Terima kasih!"})  # a reply to a reply
    db.session.expire_all()
    replies = db.session.scalars(select(DiscussionPost).where(DiscussionPost.root_id == root.id)).all()
    assert [(r.by_instructor, r.root_id) for r in replies] == [(True, root.id), (False, root.id)]
    assert db.session.get(DiscussionPost, root.id).reply_count == 2
    page = client.get(f"/discussion/{root.id}").get_data(as_text=True)
    assert page.count('class="badge badge-info">Instruktur<') == 1
    assert "Terima kasih!" in page and "Lihat modul 3." in page
    listing = client.get("/courses/DSK-1/discussion").get_data(as_text=True)
    assert "2 balasan" in listing


def test_posts_are_sanitised_like_lessons(
    client: FlaskClient, forum: Forum, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, forum.users["siti"])
    post = open_thread(client, 'Halo <script>alert(1)</script> <a href="javascript:x()" onclick="y()">tautan</a>')
    assert "<script" not in post.html and "onclick" not in post.html and "javascript:" not in post.html


def test_bad_posts_are_refused_and_nothing_is_saved(
    client: FlaskClient, forum: Forum, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, forum.users["siti"])
    for body in ("", "   ", "x" * 5001, "[" * 3000):
        response = send(client, "/courses/DSK-1/discussion", {"body": body})
        assert response.status_code == 422, body[:10]
    assert posts() == 0


def test_people_who_do_not_take_part_may_not_read_or_write(
    client: FlaskClient, forum: Forum, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, forum.users["siti"])
    root = open_thread(client, "Pertanyaan")
    for name in ("tamu", "menunggu", "koordinator"):
        login(client, forum.users[name])
        assert client.get("/courses/DSK-1/discussion").status_code == 403
        assert client.get(f"/discussion/{root.id}").status_code == 403
        assert send(client, "/courses/DSK-1/discussion", {"body": "Halo"}).status_code == 403
        assert send(client, f"/discussion/{root.id}/replies", {"body": "Halo"}).status_code == 403
    assert posts() == 1
    login(client, forum.users["admin"])
    assert client.get(f"/discussion/{root.id}").status_code == 200


def test_lesson_discussions_exist_only_where_the_course_turns_them_on(
    client: FlaskClient, forum: Forum, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, forum.users["siti"])
    post = open_thread(client, "Tentang pelajaran ini", path=f"/lessons/{forum.lesson_id}/discussion")
    assert post.lesson_id == forum.lesson_id
    assert "Tentang pelajaran ini" not in client.get("/courses/DSK-1/discussion").get_data(as_text=True)
    assert "Diskusi pelajaran ini" in client.get(f"/lessons/{forum.lesson_id}").get_data(as_text=True)
    login(client, forum.users["admin"])
    assert client.get("/courses/DSK-2/discussion").status_code == 404  # discussion: off
    from elearn.catalogue.models import Course, Lesson

    other = db.session.scalar(select(Lesson.id).join(Course).where(Course.code == "DSK-2"))
    assert client.get(f"/lessons/{other}/discussion").status_code == 404
    assert client.get("/lessons/999999/discussion").status_code == 404


def test_an_author_edits_within_thirty_minutes_only(
    client: FlaskClient,
    forum: Forum,
    login: Callable[[FlaskClient, User], None],
    clock: Callable[[dt.datetime], None],
) -> None:
    start = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    clock(start)
    login(client, forum.users["siti"])
    post = open_thread(client, "Versi pertama")
    clock(start + dt.timedelta(minutes=29))
    assert send(client, f"/discussion/{post.id}/edit", {"body": "Versi kedua"}).status_code == 302
    login(client, forum.users["budi"])
    assert send(client, f"/discussion/{post.id}/edit", {"body": "Bukan milik saya"}).status_code == 403
    login(client, forum.users["siti"])
    clock(start + dt.timedelta(minutes=31))
    assert client.get(f"/discussion/{post.id}/edit").status_code == 403
    assert send(client, f"/discussion/{post.id}/edit", {"body": "Versi ketiga"}).status_code == 403
    db.session.expire_all()
    saved = db.session.get(DiscussionPost, post.id)
    assert saved is not None and saved.body == "Versi kedua" and saved.edited_at is not None


def test_reports_are_counted_once_per_person_and_never_for_ones_own_post(
    client: FlaskClient, forum: Forum, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, forum.users["siti"])
    post = open_thread(client, "Iklan!")
    assert send(client, f"/discussion/{post.id}/report", {"reason": "spam"}).status_code == 409
    login(client, forum.users["budi"])
    for _ in range(2):
        assert send(client, f"/discussion/{post.id}/report", {"reason": "spam"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(DiscussionPost, post.id).report_count == 1
    assert db.session.scalar(select(func.count()).select_from(DiscussionReport)) == 1
    login(client, forum.users["guru"])
    assert "Iklan!" in client.get("/courses/DSK-1/discussion/reported").get_data(as_text=True)
    login(client, forum.users["budi"])
    assert client.get("/courses/DSK-1/discussion/reported").status_code == 403


def test_moderators_hide_with_a_reason_kept_for_the_record_and_a_hidden_post_takes_no_reply(
    client: FlaskClient, forum: Forum, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, forum.users["siti"])
    post = open_thread(client, "Kata-kata kasar")
    login(client, forum.users["budi"])
    assert send(client, f"/discussion/{post.id}/hide", {"reason": "x"}).status_code == 403
    login(client, forum.users["guru"])
    assert send(client, f"/discussion/{post.id}/hide", {"reason": " "}).status_code == 302  # refused: no reason
    db.session.expire_all()
    assert db.session.get(DiscussionPost, post.id).hidden_at is None
    assert send(client, f"/discussion/{post.id}/hide", {"reason": "Tidak sopan"}).status_code == 302
    moderator_view = client.get(f"/discussion/{post.id}").get_data(as_text=True)
    assert "Kata-kata kasar" in moderator_view and "Disembunyikan: Tidak sopan" in moderator_view
    login(client, forum.users["budi"])
    learner_view = client.get(f"/discussion/{post.id}").get_data(as_text=True)
    assert "Kata-kata kasar" not in learner_view and "disembunyikan oleh moderator" in learner_view
    assert "Tidak sopan" not in learner_view
    assert send(client, f"/discussion/{post.id}/replies", {"body": "Balasan"}).status_code == 409
    assert posts() == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "discussion.hide"))
    assert entry is not None and entry.details["reason"] == "Tidak sopan"
    login(client, forum.users["guru"])
    assert send(client, f"/discussion/{post.id}/unhide").status_code == 302
    db.session.expire_all()
    assert db.session.get(DiscussionPost, post.id).hidden_at is None


def test_posting_is_limited_per_person_against_flooding(
    client: FlaskClient, forum: Forum, login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, forum.users["siti"])
    token_page = client.get("/courses/DSK-1/discussion").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page)
    assert token is not None
    statuses = [
        client.post("/courses/DSK-1/discussion", data={"csrf_token": token[1], "body": f"Pesan {n}"}).status_code
        for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    assert posts() == 10
    login(client, forum.users["budi"])  # the limit is per person
    assert send(client, "/courses/DSK-1/discussion", {"body": "Pesan saya"}).status_code == 302


def test_threads_are_paginated_latest_activity_first(
    client: FlaskClient, forum: Forum, login: Callable[[FlaskClient, User], None], clock: Callable[[dt.datetime], None]
) -> None:
    from elearn.core.time import now

    author = forum.users["siti"]
    start = now()
    for n in range(23):
        db.session.add(
            DiscussionPost(
                course_id=forum.course.id,
                author_id=author.id,
                body=f"Topik {n}",
                html=f"<p>Topik {n}</p>",
                created_at=start + dt.timedelta(minutes=n),
                last_activity_at=start + dt.timedelta(minutes=n),
            )
        )
    db.session.commit()
    login(client, forum.users["budi"])
    first = client.get("/courses/DSK-1/discussion").get_data(as_text=True)
    assert "Topik 22" in first and "Topik 3<" in first and "Topik 2<" not in first
    second = client.get("/courses/DSK-1/discussion?page=2").get_data(as_text=True)
    assert "Topik 2<" in second and "Topik 22" not in second
