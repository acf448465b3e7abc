"""The audit log: every administrative act leaves exactly one row (who, when, what, from where) in the act's
transaction; admins read and filter it; nothing in the app can change it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import Unit, User
from elearn.accounts.services import start_web_session
from elearn.audit import services as audit
from elearn.audit.models import AuditEntry, AuditEntryImmutable
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from tests.factories import DINKES, Scenario, csrf_from
from tests.publishing.helpers import demo_course, post_upload, zip_folder

Login = Callable[[FlaskClient, User], None]


def rows() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def form(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf_from(client, "/"), **(data or {})}, **kwargs)


def test_every_administrative_act_leaves_exactly_one_audit_row(
    app: Flask, scenario: Scenario, login: Login, tmp_path: Any, clock: Callable[[dt.datetime], None]
) -> None:
    users = scenario.users
    admin, coordinator, learner = users["admin"], users["coordinator"], users["learner_not_enrolled"]
    unit = db.session.scalar(select(Unit.id).where(Unit.path == DINKES))
    as_admin, as_coordinator, as_instructor = app.test_client(), app.test_client(), app.test_client()
    login(as_admin, admin)
    login(as_coordinator, coordinator)
    login(as_instructor, users["instructor"])
    db.session.add(Enrolment(user_id=learner.id, course_id=scenario.approval_course.id, status="pending"))
    db.session.commit()
    person = {"name": "Tamu Baru", "email": "", "position": "", "unit": DINKES, "role": "learner"}
    new = {**person, "username": "baru", "nip": "199001012015032001"}
    csv = "username,nip,name,email,unit,position,role,password\nlain,199001012015032002,Lain,,,,learner,\n"
    acts: list[tuple[str, str, Callable[[], Any]]] = [
        ("enrolment.approve", "koordinator", lambda: form(as_coordinator, "/manage/courses/TST-A/approve/peserta")),
        ("enrolment.bulk", "koordinator", lambda: form(as_coordinator, "/manage/courses/TST-1", {"names": "tamu"})),
        ("enrolment.unenrol", "guru", lambda: form(as_instructor, "/manage/courses/TST-A/unenrol/peserta")),
        (
            "enrolment.reject",
            "koordinator",
            lambda: form(as_coordinator, "/manage/courses/TST-A/reject/tamu", {"reason": "Kuota penuh"}),
        ),
        (
            "quiz.override",
            "guru",
            lambda: form(
                as_instructor,
                f"/quizzes/{scenario.quiz_id}/results",
                {"username": "peserta", "extra_minutes": "10", "extra_attempts": "1", "reason": "tunanetra"},
            ),
        ),
        ("user.create", "admin", lambda: form(as_admin, "/admin/users/new", new)),
        ("user.update", "koordinator", lambda: form(as_coordinator, f"/admin/users/{learner.id}", person)),
        ("user.role", "admin", lambda: form(as_admin, f"/admin/users/{learner.id}", {**person, "role": "instructor"})),
        ("user.password_reset", "koordinator", lambda: form(as_coordinator, f"/admin/users/{learner.id}/password")),
        ("user.deactivate", "admin", lambda: form(as_admin, f"/admin/users/{learner.id}/deactivate")),
        ("user.reactivate", "admin", lambda: form(as_admin, f"/admin/users/{learner.id}/reactivate")),
        (
            "user.import",
            "admin",
            lambda: form(
                as_admin,
                "/admin/users/import",
                {"file": (io.BytesIO(csv.encode()), "lain.csv")},
                content_type="multipart/form-data",
            ),
        ),
        ("unit.create", "admin", lambda: form(as_admin, "/admin/units", {"parent": DINKES, "name": "Puskesmas"})),
        ("unit.rename", "admin", lambda: form(as_admin, f"/admin/units/{unit}/rename", {"name": "Dinkes"})),
        ("unit.move", "admin", lambda: form(as_admin, f"/admin/units/{unit}/move", {"parent": ""})),
        ("course.upload", "admin", lambda: post_upload(as_admin, zip_folder(demo_course(tmp_path)))),
        ("course.publish", "admin", lambda: form(as_admin, f"/manage/uploads/{upload_id()}/publish")),
    ]
    for action, actor, act in acts:
        before = len(rows())
        response = act()
        assert response.status_code in (200, 302, 303), (action, response.status_code)
        added = rows()[before:]
        assert [(entry.action, entry.actor_username) for entry in added] == [(action, actor)], action
        assert added[0].address == "127.0.0.1" and added[0].at == dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
        assert added[0].summary, action


def upload_id() -> int:
    from elearn.publishing.models import CourseUpload

    found = db.session.scalar(select(func.max(CourseUpload.id)))
    assert found is not None
    return found


def test_an_act_that_fails_leaves_no_audit_row(app: Flask, scenario: Scenario, login: Login) -> None:
    client = app.test_client()
    login(client, scenario.users["admin"])
    learner = scenario.users["learner_not_enrolled"]
    before = rows()
    bad = {"name": "", "email": "", "position": "", "unit": DINKES, "role": "learner"}
    assert form(client, f"/admin/users/{learner.id}", bad).status_code == 422
    refused = {"name": "Tamu", "email": "", "position": "", "unit": "Luar Kota", "role": "admin"}
    assert (
        form(client, f"/admin/users/{learner.id}", {**refused, "role": "learner", "unit": "Kota//X"}).status_code == 422
    )
    assert rows() == before


def test_an_entry_is_written_in_the_act_s_transaction_and_rolls_back_with_it(
    app: Flask, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin", role="admin")
    admin.name = "Admin Baru"
    audit.record(admin, "user.update", target_type="user", target_id="admin")
    db.session.rollback()
    assert rows() == [] and db.session.scalar(select(User.name)) == "Admin"


def test_the_app_cannot_change_or_delete_an_entry(app: Flask, make_user: Callable[..., User]) -> None:
    entry = audit.record(make_user("admin", role="admin"), "user.create", target_type="user", target_id="x")
    db.session.commit()
    entry.summary = "diubah"
    with pytest.raises(AuditEntryImmutable):
        db.session.commit()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(AuditEntryImmutable):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry.summary)) == ""


def test_the_log_page_has_no_way_to_write(app: Flask, make_user: Callable[..., User], login: Login) -> None:
    client = app.test_client()
    login(client, make_user("admin", role="admin", unit=None))
    token = csrf_from(client, "/admin/audit")
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.open("/admin/audit", method=method, data={"csrf_token": token}).status_code == 405


@pytest.fixture
def logged(app: Flask, make_user: Callable[..., User], clock: Callable[[dt.datetime], None]) -> FlaskClient:
    admin, ani = make_user("admin", role="admin", unit=None), make_user("ani", role="coordinator")
    for day, actor, action, target in (
        (1, admin, "user.create", "budi"),
        (2, ani, "user.role", "budi"),
        (3, admin, "unit.rename", "7"),
        (4, ani, "enrolment.approve", "12"),
    ):
        clock(dt.datetime(2026, 11, day, 3, 0, tzinfo=dt.UTC))
        audit.record(actor, action, target_type="user", target_id=target, summary=f"{action} {target}")
    db.session.commit()
    client = app.test_client()
    token = start_web_session(admin)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
    return client


def shown(client: FlaskClient, **query: str) -> list[str]:
    import re

    page = client.get("/admin/audit", query_string=query).get_data(as_text=True)
    return re.findall(r"<td><code>([a-z_.]+)</code></td>", page)


def test_admins_filter_the_log_by_action_actor_target_and_dates(logged: FlaskClient) -> None:
    assert shown(logged) == ["enrolment.approve", "unit.rename", "user.role", "user.create"]
    assert shown(logged, action="user") == ["user.role", "user.create"]
    assert shown(logged, action="user.role") == ["user.role"]
    assert shown(logged, actor="ANI") == ["enrolment.approve", "user.role"]
    assert shown(logged, target="budi") == ["user.role", "user.create"]
    assert shown(logged, since="2026-11-02", until="2026-11-03") == ["unit.rename", "user.role"]
    assert shown(logged, since="bukan tanggal") == ["enrolment.approve", "unit.rename", "user.role", "user.create"]


@pytest.mark.parametrize("role", ["coordinator", "instructor", "learner"])
def test_only_admins_read_the_log(app: Flask, make_user: Callable[..., User], login: Login, role: str) -> None:
    client = app.test_client()
    login(client, make_user("orang", role=role))
    assert client.get("/admin/audit").status_code == 403
