"""Creating, editing, resetting, deactivating and reactivating people: what each act does, that it ends
sessions and tokens where it should, that bad input writes nothing, and one audit row per act."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import ApiToken, User, WebSession
from elearn.audit.models import AuditEntry
from elearn.catalogue.models import Course
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from tests.factories import DINKES, PASSWORD, Scenario, csrf_from
from tests.people.conftest import Org

AsUser = Callable[[User], FlaskClient]


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data={"csrf_token": csrf_from(client, "/"), **(data or {})})


def entries() -> list[tuple[str, str, str]]:
    rows = db.session.execute(select(AuditEntry.action, AuditEntry.actor_username, AuditEntry.target_id))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def one_time_password(page: str) -> str:
    found = re.search(r'<code class="one-time-password">([0-9A-Z]{16})</code>', page)
    assert found, page
    return found.group(1)


def sign_in(app: Flask, username: str, password: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_from(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "username": username, "password": password})
    client.last_status = response.status_code  # type: ignore[attr-defined]
    client.last_location = response.headers.get("Location", "")  # type: ignore[attr-defined]
    return client


NEW = {"username": "Ani.R", "nip": "19900101 201503 2 001", "name": "  Ani   Rahayu ", "email": "ani@sorong.go.id",
       "position": "Perawat", "unit": DINKES, "role": "learner"}  # fmt: skip


def test_a_created_person_gets_a_one_time_password_shown_once_and_must_change_it(
    app: Flask, org: Org, as_user: AsUser
) -> None:
    response = post(as_user(org.admin), "/admin/users/new", NEW)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = one_time_password(response.get_data(as_text=True))
    ani = db.session.scalar(select(User).where(User.username == "ani.r"))
    assert ani is not None and ani.name == "Ani Rahayu" and ani.nip == "199001012015032001"
    assert ani.must_change_password and ani.unit_path == DINKES
    assert password not in ani.password_hash
    assert entries() == [("user.create", "admin", "ani.r")]
    client = sign_in(app, "ani.r", password)
    assert client.last_location.endswith("/account/password")  # type: ignore[attr-defined]
    assert client.get("/").status_code == 302


def test_bad_input_to_the_create_form_is_a_form_error_and_writes_nothing(org: Org, as_user: AsUser) -> None:
    client = as_user(org.admin)
    users = count(User)
    for bad in (
        {"username": "a"},
        {"username": "ani rahayu"},
        {"username": "siti"},  # taken
        {"nip": "123"},
        {"nip": org.nurse.nip},  # taken
        {"nip": "", "role": "learner"},  # learners need a NIP
        {"name": ""},
        {"email": "ani@"},
        {"unit": "Kota//Dinas"},
        {"role": "raja"},
    ):
        response = post(client, "/admin/users/new", {**NEW, **bad})
        assert response.status_code == 422, bad
        assert 'class="field-error"' in response.get_data(as_text=True), bad
    assert count(User) == users and count(AuditEntry) == 0


def test_editing_records_what_changed_and_a_save_without_changes_records_nothing(org: Org, as_user: AsUser) -> None:
    client = as_user(org.coordinator)
    data = {"name": "Siti Aminah", "email": "siti@sorong.go.id", "position": "Bidan", "unit": DINKES, "role": "learner"}
    assert post(client, f"/admin/users/{org.nurse.id}", data).status_code == 302
    assert post(client, f"/admin/users/{org.nurse.id}", data).status_code == 302
    [entry] = db.session.scalars(select(AuditEntry))
    assert entry.action == "user.update"
    assert entry.details["changes"] == {"email": [None, "siti@sorong.go.id"], "position": [None, "Bidan"]}


def test_a_password_reset_shows_a_one_time_password_and_ends_sessions_and_tokens(
    app: Flask, org: Org, as_user: AsUser, token_for: Callable[[User], dict[str, str]]
) -> None:
    nurse_browser = as_user(org.nurse)
    nurse_api = token_for(org.nurse)
    assert nurse_browser.get("/").status_code == 200
    response = post(as_user(org.coordinator_dinkes), f"/admin/users/{org.nurse.id}/password")
    assert response.status_code == 200
    password = one_time_password(response.get_data(as_text=True))
    assert nurse_browser.get("/").status_code == 302  # signed out on the server
    assert app.test_client().get("/api/v1/me", headers=nurse_api).status_code == 401
    assert sign_in(app, "siti", PASSWORD).last_status == 401  # type: ignore[attr-defined]
    client = sign_in(app, "siti", password)
    assert client.last_location.endswith("/account/password")  # type: ignore[attr-defined]
    assert entries() == [("user.password_reset", "kordinkes", "siti")]


def test_deactivation_ends_sessions_and_tokens_at_once_refuses_sign_in_and_keeps_history(
    app: Flask, scenario: Scenario, as_user: AsUser, token_for: Callable[[User], dict[str, str]]
) -> None:
    learner = scenario.users["learner_enrolled"]
    browser, headers = as_user(learner), token_for(learner)
    assert browser.get("/my").status_code == 200
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200
    admin = as_user(scenario.users["admin"])
    assert post(admin, f"/admin/users/{learner.id}/deactivate").status_code == 302
    assert browser.get("/my").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert db.session.scalar(select(func.count()).where(WebSession.user_id == learner.id)) == 0
    assert db.session.scalar(select(func.count()).where(ApiToken.user_id == learner.id)) == 0
    assert sign_in(app, "peserta", PASSWORD).last_status == 401  # type: ignore[attr-defined]
    enrolments = db.session.scalar(select(func.count()).where(Enrolment.user_id == learner.id))
    assert enrolments == 2 and db.session.get(User, learner.id) is not None
    page = admin.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    assert "Nonaktif" in page and "Aktifkan kembali" in page
    assert post(admin, f"/admin/users/{learner.id}/deactivate").status_code == 302  # again: nothing to do
    assert post(admin, f"/admin/users/{learner.id}/reactivate").status_code == 302
    assert sign_in(app, "peserta", PASSWORD).last_status == 302  # type: ignore[attr-defined]
    actions = [action for action, _actor, target in entries() if target == "peserta"]
    assert actions == ["user.deactivate", "user.reactivate"]


def test_a_deactivated_person_keeps_their_enrolment_in_the_course_list(
    app: Flask, scenario: Scenario, as_user: AsUser
) -> None:
    learner = scenario.users["learner_enrolled"]
    admin = as_user(scenario.users["admin"])
    post(admin, f"/admin/users/{learner.id}/deactivate")
    course = db.session.get(Course, scenario.course.id)
    assert course is not None
    assert "peserta" in admin.get(f"/manage/courses/{course.code}").get_data(as_text=True)
