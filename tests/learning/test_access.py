"""Every page and API route of the learning flow × every role gets exactly what the contract says.

"May not know it exists" is 404; anonymous pages redirect to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from elearn.accounts.models import User
from tests.factories import Scenario

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


# (name, method, path template, json body, expected status per role)
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
        expect(302, 403, learner_enrolled=200, instructor=200, coordinator=200, coordinator_other=200, admin=200),
    ),
    (
        "page quiz",
        "GET",
        "/quizzes/{quiz}",
        None,
        expect(302, 403, learner_enrolled=200, instructor=200, coordinator=200, coordinator_other=200, admin=200),
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
    # Last: enrolling changes what the cases above would see.
    ("api enrol", "POST", "/api/v1/courses/TST-1/enrolment", {}, expect(401, 201, learner_enrolled=200)),
]


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
    failures = []
    for name, method, template, body, expected in CASES:
        path = template.format(lesson=scenario.first_lesson_id, quiz=scenario.quiz_id)
        is_api = path.startswith("/api/")
        response = client.open(path, method=method, json=body, headers=headers if is_api else {})
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
