"""Every page and API route of the learning flow × every role gets exactly what the contract says.

"May not know it exists" is 404; anonymous pages redirect to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import Unit, User
from elearn.extensions import db
from tests.factories import DINKES, Scenario, csrf_from

ROLES = [
    "anonymous",
    "learner_not_enrolled",
    "learner_enrolled",
    "learner_other_unit",
    "instructor_other",
    "instructor",
    "coordinator_other",
    "coordinator",
    "admin",
]


def expect(anonymous: int, default: int, **by_role: int) -> dict[str, int]:
    table = {role: default for role in ROLES}
    table["anonymous"] = anonymous
    table.update(by_role)
    return table


UPLOADERS = expect(302, 403, instructor=200, instructor_other=200, admin=200)
ADMINISTRATORS = expect(302, 403, coordinator=200, coordinator_other=200, admin=200)

# (name, method, path template, body, expected status per role): an API body is JSON, a page's is a form
# posted with the page's CSRF token.
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("api catalogue", "GET", "/api/v1/courses", None, expect(401, 200)),
    ("api outline", "GET", "/api/v1/courses/TST-1", None, expect(401, 200)),
    ("api outline archived or unknown", "GET", "/api/v1/courses/NOPE-1", None, expect(401, 404)),
    ("api progress", "GET", "/api/v1/courses/TST-1/progress", None, expect(401, 200)),
    (
        "api enrolments list",
        "GET",
        "/api/v1/courses/TST-1/enrolments",
        None,
        expect(401, 403, instructor=200, coordinator=200, coordinator_other=200, admin=200),
    ),
    (
        "api bulk enrol",
        "POST",
        "/api/v1/courses/TST-1/enrolments",
        {"usernames": ["tamu"]},
        expect(401, 403, coordinator=200, coordinator_other=200, admin=200),
    ),
    (
        "api approve",
        "POST",
        "/api/v1/courses/TST-A/enrolments/peserta/approve",
        None,
        expect(401, 403, instructor=200, coordinator=200, coordinator_other=404, admin=200),
    ),
    (
        "api lesson",
        "GET",
        "/api/v1/lessons/{lesson}",
        None,
        expect(401, 403, learner_enrolled=200, instructor=200, coordinator=200, coordinator_other=200, admin=200),
    ),
    ("api unknown lesson", "GET", "/api/v1/lessons/999999", None, expect(401, 404)),
    ("page catalogue", "GET", "/", None, expect(302, 200)),
    ("page my courses", "GET", "/my", None, expect(302, 200)),
    ("page outline", "GET", "/courses/TST-1", None, expect(302, 200)),
    ("page unknown course", "GET", "/courses/NOPE-1", None, expect(302, 404)),
    (
        "page lesson",
        "GET",
        "/lessons/{lesson}",
        None,
        # not enrolled: back to the course page and its enrol button (302), not a bare 403
        expect(302, 302, learner_enrolled=200, instructor=200, coordinator=200, coordinator_other=200, admin=200),
    ),
    (
        "page quiz",
        "GET",
        "/quizzes/{quiz}",
        None,
        expect(302, 302, learner_enrolled=200, instructor=200, coordinator=200, coordinator_other=200, admin=200),
    ),
    ("page unknown quiz", "GET", "/quizzes/999999", None, expect(302, 404)),
    (
        "page manage course",
        "GET",
        "/manage/courses/TST-1",
        None,
        expect(302, 403, instructor=200, coordinator=200, coordinator_other=200, admin=200),
    ),
    # guru2 teaches TST-2, so they manage a course too.
    (
        "page manage",
        "GET",
        "/manage",
        None,
        expect(302, 403, instructor=200, instructor_other=200, coordinator=200, coordinator_other=200, admin=200),
    ),
    ("media", "GET", "/media/TST-1/gambar.svg", None, expect(401, 200)),
    # Own data (every signed-in person, about themselves only).
    ("page account", "GET", "/account", None, expect(302, 200)),
    ("page own data export", "GET", "/account/export", None, expect(302, 200)),
    ("api own data export", "GET", "/api/v1/me/export", None, expect(401, 200)),
    # Course uploads: instructors of a course (guru teaches TST-1, guru2 TST-2) and admins; an upload is
    # seen by its uploader (guru) and admins only.
    ("page uploads", "GET", "/manage/uploads", None, UPLOADERS),
    ("page upload preview", "GET", "/manage/uploads/{upload}", None, expect(302, 404, instructor=200, admin=200)),
    ("page upload unknown", "GET", "/manage/uploads/999999", None, expect(302, 404)),
    (
        "page upload download",
        "GET",
        "/manage/uploads/{upload}/download",
        None,
        expect(302, 404, instructor=200, admin=200),
    ),
    # People administration: admins everyone, coordinators their units (peserta and tamu are in the
    # coordinator's city; the other coordinator gets 404 for them).
    ("page people", "GET", "/admin/users", None, ADMINISTRATORS),
    ("page people search", "GET", "/admin/users?q=peserta", None, ADMINISTRATORS),
    ("page new person", "GET", "/admin/users/new", None, ADMINISTRATORS),
    ("page users import", "GET", "/admin/users/import", None, ADMINISTRATORS),
    (
        "page person",
        "GET",
        "/admin/users/{peserta}",
        None,
        expect(302, 403, coordinator=200, coordinator_other=404, admin=200),
    ),
    (
        "page unknown person",
        "GET",
        "/admin/users/999999",
        None,
        expect(302, 403, coordinator=404, coordinator_other=404, admin=404),
    ),
    (
        "page edit person",
        "POST",
        "/admin/users/{tamu}",
        {
            "name": "Tamu",
            "email": "",
            "position": "",
            "unit": "Pemerintah Kota Sorong/Dinas Kesehatan",
            "role": "learner",
        },
        expect(302, 403, coordinator=302, coordinator_other=404, admin=302),
    ),
    (
        "page reset password",
        "POST",
        "/admin/users/{tamu}/password",
        {},
        expect(302, 403, coordinator=200, coordinator_other=404, admin=200),
    ),
    (
        "page deactivate",
        "POST",
        "/admin/users/{tamu}/deactivate",
        {},
        expect(302, 403, coordinator=302, coordinator_other=404, admin=302),
    ),
    (
        "page reactivate",
        "POST",
        "/admin/users/{tamu}/reactivate",
        {},
        expect(302, 403, coordinator=302, coordinator_other=404, admin=302),
    ),
    (
        "page create person",
        "POST",
        "/admin/users/new",
        {"username": "x"},
        expect(302, 403, coordinator=422, coordinator_other=422, admin=422),
    ),
    (
        "page import users",
        "POST",
        "/admin/users/import",
        {},
        expect(302, 403, coordinator=422, coordinator_other=422, admin=422),
    ),
    ("page audit log", "GET", "/admin/audit?action=user", None, expect(302, 403, admin=200)),
    ("page units", "GET", "/admin/units", None, expect(302, 403, admin=200)),
    ("page unit", "GET", "/admin/units/{unit}", None, expect(302, 403, admin=200)),
    ("page unknown unit", "GET", "/admin/units/999999", None, expect(302, 403, admin=404)),
    ("page add unit", "POST", "/admin/units", {"parent": "", "name": "Unit Baru"}, expect(302, 403, admin=302)),
    (
        "page rename unit",
        "POST",
        "/admin/units/{unit}/rename",
        {"name": "Dinas Kesehatan"},
        expect(302, 403, admin=302),
    ),
    (
        "page move unit",
        "POST",
        "/admin/units/{unit}/move",
        {"parent": "Pemerintah Kota Sorong"},
        expect(302, 403, admin=302),
    ),
    # Publishing loads TST-1 again (unchanged): the uploader or an admin; anyone else may not know the upload.
    (
        "page publish upload",
        "POST",
        "/manage/uploads/{upload}/publish",
        {},
        expect(302, 404, instructor=302, admin=302),
    ),
    (
        "page upload a course",
        "POST",
        "/manage/uploads",
        {},
        dict(UPLOADERS, instructor=422, instructor_other=422, admin=422),
    ),
    # Last: enrolling changes what the cases above would see.
    ("api enrol", "POST", "/api/v1/courses/TST-1/enrolment", {}, expect(401, 201, learner_enrolled=200)),
]


def uploaded_by_guru(scenario: Scenario) -> int:
    """An upload of TST-1 by its instructor, kept and previewed (not yet published)."""
    from elearn.publishing.services import receive_upload
    from tests.publishing.helpers import zip_folder

    upload = receive_upload(scenario.users["instructor"], zip_folder(scenario.content_dir / "tst-1"), "tst-1.zip")
    db.session.commit()
    return upload.id


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_contract_says(
    client: FlaskClient,
    scenario: Scenario,
    token_for: Callable[[User], dict[str, str]],
    login: Callable[[FlaskClient, User], None],
    role: str,
) -> None:
    user = scenario.users.get(role)
    headers = token_for(user) if user is not None else {}
    if user is not None:
        login(client, user)
    ids = {
        "lesson": scenario.first_lesson_id,
        "quiz": scenario.quiz_id,
        "upload": uploaded_by_guru(scenario),
        "peserta": scenario.users["learner_enrolled"].id,
        "tamu": scenario.users["learner_not_enrolled"].id,
        "unit": db.session.scalar(select(Unit.id).where(Unit.path == DINKES)),
    }
    token = csrf_from(client, "/login" if user is None else "/")
    failures = []
    for name, method, template, body, expected in CASES:
        path = template.format(**ids)
        is_api = path.startswith("/api/")
        if is_api or method == "GET":
            response = client.open(path, method=method, json=body, headers=headers if is_api else {})
        else:
            response = client.open(path, method=method, data={"csrf_token": token, **(body or {})})
        if response.status_code != expected[role]:
            failures.append(f"{name}: {method} {path} -> {response.status_code}, expected {expected[role]}")
        if is_api and response.status_code >= 400:
            error = response.get_json()["error"]
            if response.status_code == 404 and error["code"] != "not_found":
                failures.append(f"{name}: 404 with code {error['code']}")
    assert not failures, "\n".join(failures)


def test_someone_named_as_instructor_sees_the_manage_link_whatever_their_account_role(
    client: FlaskClient, scenario: Scenario, make_user: Callable[..., User], login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, scenario.users["learner_not_enrolled"])
    assert 'href="/manage"' not in client.get("/").get_data(as_text=True)
    guru = scenario.users["instructor"]
    guru.role = "learner"  # named in TST-1's instructors, but a plain learner account
    from elearn.extensions import db

    db.session.commit()
    login(client, guru)
    assert 'href="/manage"' in client.get("/").get_data(as_text=True)
    assert client.get("/manage").status_code == 200
