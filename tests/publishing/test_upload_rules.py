"""Who may upload and publish which course, who sees an upload, and the audit row each act leaves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.catalogue.models import Course
from elearn.extensions import db
from elearn.publishing.models import CourseUpload
from tests.coursetree import build_course
from tests.factories import csrf_from, load_content
from tests.publishing.helpers import demo_course, field_error, post_upload, publish, zip_folder

Login = Callable[[FlaskClient, User], None]


def upload_id(response: object) -> int:
    return int(response.headers["Location"].rsplit("/", 1)[-1])  # type: ignore[attr-defined]


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def loaded(app: Flask, tmp_path: Path) -> Path:
    """BA-101 loaded from the command line (taught by ``widyaiswara``); returns a copy to upload."""
    course = demo_course(tmp_path / "src")
    load_content(app, course)
    return course


def test_an_instructor_of_the_course_uploads_and_publishes_it_with_one_audit_row_each(
    client: FlaskClient, make_user: Callable[..., User], login: Login, loaded: Path
) -> None:
    login(client, make_user("widyaiswara", role="instructor"))
    response = post_upload(client, zip_folder(loaded))
    assert response.status_code == 302
    [uploaded] = entries("course.upload")
    assert (uploaded.actor_username, uploaded.target_type, uploaded.target_id) == ("widyaiswara", "course", "BA-101")
    assert uploaded.address == "127.0.0.1"
    assert uploaded.details["upload_id"] == upload_id(response)
    assert publish(client, upload_id(response)).status_code == 302
    [published] = entries("course.publish")
    assert published.actor_username == "widyaiswara" and published.details["counts"]["unchanged"] > 0
    assert len(entries("course.upload")) == 1


def test_an_instructor_of_another_course_may_not_upload_this_one(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Login, loaded: Path, tmp_path: Path
) -> None:
    build_course(tmp_path / "lain", "TST-2", instructors="[guru2]")
    load_content(app, tmp_path / "lain")
    login(client, make_user("guru2", role="instructor"))
    response = post_upload(client, zip_folder(loaded))
    assert response.status_code == 403
    assert "bukan pengajar kursus BA-101" in field_error(response.get_data(as_text=True))
    assert db.session.scalar(select(CourseUpload.id)) is None and entries("course.upload") == []


def test_a_new_course_is_for_admins_unless_instructors_may_create_courses(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Login,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    course = demo_course(tmp_path)  # names widyaiswara as its instructor
    login(client, make_user("widyaiswara", role="instructor"))
    assert client.get("/manage/uploads").status_code == 403  # teaches nothing yet: not for them
    monkeypatch.setitem(app.config, "ELEARN_INSTRUCTORS_CREATE_COURSES", True)
    assert client.get("/manage/uploads").status_code == 200
    response = post_upload(client, zip_folder(course))
    assert response.status_code == 302
    assert publish(client, upload_id(response)).status_code == 302
    assert db.session.scalar(select(Course.code)) == "BA-101"


def test_an_instructor_creating_a_course_must_name_themselves_in_it(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Login,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "ELEARN_INSTRUCTORS_CREATE_COURSES", True)
    login(client, make_user("guru", role="instructor"))
    response = post_upload(client, zip_folder(demo_course(tmp_path)))
    assert response.status_code == 403
    assert "Cantumkan nama pengguna Anda" in field_error(response.get_data(as_text=True))


def test_a_coordinator_or_learner_never_reaches_the_upload_page(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "ELEARN_INSTRUCTORS_CREATE_COURSES", True)
    for user in (make_user("koordinator", role="coordinator"), make_user("ani")):
        login(client, user)
        assert client.get("/manage/uploads").status_code == 403
        assert post_upload_status(client) == 403


def post_upload_status(client: FlaskClient) -> int:
    """A POST of a form without a file (refused before the form is looked at)."""
    return client.post("/manage/uploads", data={"csrf_token": csrf_from(client, "/")}).status_code


def test_only_the_uploader_and_admins_see_an_upload(
    app: Flask, make_user: Callable[..., User], login: Login, loaded: Path
) -> None:
    uploader, other_teacher = make_user("widyaiswara", role="instructor"), make_user("guru", role="instructor")
    admin = make_user("admin", role="admin", unit=None)
    db.session.execute(Course.__table__.update().values(instructors=["widyaiswara", "guru"]))  # type: ignore[attr-defined]
    db.session.commit()
    client = app.test_client()
    login(client, uploader)
    kept = upload_id(post_upload(client, zip_folder(loaded)))
    paths = [f"/manage/uploads/{kept}", f"/manage/uploads/{kept}/download"]
    for user, expected in ((uploader, 200), (admin, 200), (other_teacher, 404)):
        viewer = app.test_client()
        login(viewer, user)
        assert [viewer.get(path).status_code for path in paths] == [expected, expected]
        listed = viewer.get("/manage/uploads").get_data(as_text=True)
        assert (f"/manage/uploads/{kept}" in listed) is (expected == 200)
    outsider = app.test_client()
    login(outsider, other_teacher)
    token = csrf_from(outsider, "/manage/uploads")
    assert outsider.post(f"/manage/uploads/{kept}/publish", data={"csrf_token": token}).status_code == 404
