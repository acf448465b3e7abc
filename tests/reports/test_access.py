"""Every certificate, JP and report route × every role of the scenario gets what the contract says.

"May not know it exists" is 404; anonymous pages redirect to the sign-in page; the public
verification page and API answer everyone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.certificates.services import issue_certificate
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.reports.records import RecordInput, Upload, submit_record
from tests.factories import DINKES, Scenario
from tests.learning.test_access import ROLES, expect

COORDINATORS = {"coordinator": 200, "coordinator_other": 200, "admin": 200}
OWNER_AND_MANAGERS = {"learner_enrolled": 200, "coordinator": 200, "admin": 200}

# (name, method, path template, json body, expected status per role)
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("api own certificates", "GET", "/api/v1/certificates", None, expect(401, 200)),
    ("api certificate", "GET", "/api/v1/certificates/{code}", None, expect(401, 404, **OWNER_AND_MANAGERS)),
    ("api certificate pdf", "GET", "/api/v1/certificates/{code}/pdf", None, expect(401, 404, **OWNER_AND_MANAGERS)),
    ("api managed", "GET", "/api/v1/certificates/managed", None, expect(401, 403, **COORDINATORS)),
    ("api managed zip", "GET", "/api/v1/certificates/managed.zip", None, expect(401, 403, **COORDINATORS)),
    ("api verify", "GET", "/api/v1/verify/{code}", None, expect(200, 200)),
    ("api jp report", "GET", "/api/v1/reports/jp", None, expect(401, 403, **COORDINATORS)),
    (
        "api jp report of a unit",
        "GET",
        f"/api/v1/reports/jp?unit={DINKES}",
        None,
        expect(401, 403, coordinator=200, admin=200),
    ),
    ("api jp csv", "GET", "/api/v1/reports/jp?format=csv", None, expect(401, 403, **COORDINATORS)),
    ("api siasn", "GET", "/api/v1/reports/siasn", None, expect(401, 403, **COORDINATORS)),
    ("api dashboard", "GET", "/api/v1/reports/dashboard", None, expect(401, 403, **COORDINATORS)),
    (
        "api course report",
        "GET",
        "/api/v1/reports/courses/TST-1",
        None,
        expect(401, 403, instructor=200, **COORDINATORS),
    ),
    ("api my jp", "GET", "/api/v1/me/jp", None, expect(401, 200)),
    ("api my records", "GET", "/api/v1/me/learning-records", None, expect(401, 200)),
    ("api records to review", "GET", "/api/v1/learning-records", None, expect(401, 403, **COORDINATORS)),
    (
        "api evidence",
        "GET",
        "/api/v1/learning-records/{record}/evidence",
        None,
        expect(401, 404, **OWNER_AND_MANAGERS),
    ),
    ("page verify", "GET", "/verify/{code}", None, expect(200, 200)),
    ("page my certificates", "GET", "/certificates", None, expect(302, 200)),
    ("page certificate pdf", "GET", "/certificates/{code}/pdf", None, expect(302, 404, **OWNER_AND_MANAGERS)),
    ("page manage certificates", "GET", "/manage/certificates", None, expect(302, 403, **COORDINATORS)),
    ("page certificates zip", "GET", "/manage/certificates.zip", None, expect(302, 403, **COORDINATORS)),
    ("page my jp", "GET", "/jp", None, expect(302, 200)),
    ("page new record", "GET", "/jp/records/new", None, expect(302, 200)),
    (
        "page edit record",
        "GET",
        "/jp/records/{record}/edit",
        None,
        expect(302, 404, learner_enrolled=200, coordinator=403, admin=403),
    ),
    ("page evidence", "GET", "/jp/records/{record}/evidence", None, expect(302, 404, **OWNER_AND_MANAGERS)),
    ("page review", "GET", "/manage/jp/records", None, expect(302, 403, **COORDINATORS)),
    ("page dashboard", "GET", "/reports", None, expect(302, 403, **COORDINATORS)),
    ("page jp report", "GET", "/reports/jp", None, expect(302, 403, **COORDINATORS)),
    ("page jp report outside", "GET", f"/reports/jp?unit={DINKES}", None, expect(302, 403, coordinator=200, admin=200)),
    ("page jp csv", "GET", "/reports/jp.csv", None, expect(302, 403, **COORDINATORS)),
    ("page jp xlsx", "GET", "/reports/jp.xlsx", None, expect(302, 403, **COORDINATORS)),
    ("page siasn", "GET", "/reports/siasn.csv", None, expect(302, 403, **COORDINATORS)),
    (
        "page course reports",
        "GET",
        "/reports/courses",
        None,
        expect(302, 403, instructor=200, instructor_other=200, **COORDINATORS),
    ),
    ("page course report", "GET", "/reports/courses/TST-1", None, expect(302, 403, instructor=200, **COORDINATORS)),
    # Last: these change what the cases above would see.
    (
        "api issue",
        "POST",
        "/api/v1/courses/TST-1/certificates",
        {},
        expect(401, 403, **COORDINATORS),
    ),
    (
        "api approve",
        "POST",
        "/api/v1/learning-records/{record}/approve",
        None,
        expect(401, 404, learner_enrolled=403, coordinator=200, admin=200),
    ),
    (
        "api revoke",
        "POST",
        "/api/v1/certificates/{code}/revoke",
        {"reason": "Uji"},
        expect(401, 404, learner_enrolled=403, coordinator=200, admin=200),
    ),
]


def certificate_and_record(scenario: Scenario) -> tuple[str, int]:
    """``peserta`` completed TST-1 (certificate issued) and claimed an external record."""
    learner = scenario.users["learner_enrolled"]
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == learner.id, Enrolment.course_id == scenario.course.id)
    )
    assert enrolment is not None
    enrolment.completed_at = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
    certificate = issue_certificate(enrolment)
    assert certificate is not None
    values = RecordInput("Seminar", "seminar", "teknis", "BKN", dt.date(2026, 3, 1), dt.date(2026, 3, 2), 4)
    record = submit_record(learner, values, Upload("bukti.pdf", b"%PDF-1.4 bukti"))
    db.session.commit()
    return certificate.code, record.id


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_contract_says(
    client: FlaskClient,
    scenario: Scenario,
    token_for: Callable[[User], dict[str, str]],
    login: Callable[[FlaskClient, User], None],
    role: str,
) -> None:
    code, record = certificate_and_record(scenario)
    user = scenario.users.get(role)
    headers = token_for(user) if user is not None else {}
    if user is not None:
        login(client, user)
    failures = []
    for name, method, template, body, expected in CASES:
        path = template.format(code=code, record=record)
        is_api = path.startswith("/api/")
        response = client.open(path, method=method, json=body, headers=headers if is_api else {})
        response.get_data()  # a streamed download runs to its end, as a real client reads it
        response.close()
        if response.status_code != expected[role]:
            failures.append(f"{name}: {method} {path} -> {response.status_code}, expected {expected[role]}")
        if is_api and response.status_code >= 400:
            error = response.get_json()["error"]
            if response.status_code == 404 and error["code"] != "not_found":
                failures.append(f"{name}: 404 with code {error['code']}")
    assert not failures, "\n".join(failures)
