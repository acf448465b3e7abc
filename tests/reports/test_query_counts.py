"""The verification page, certificate lists and the JP report cost the same number of queries
whatever the number of people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.certificates.services import issue_certificate
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from tests.factories import DINKES, SORONG, Scenario

Login = Callable[[FlaskClient, User], None]


def add_completions(scenario: Scenario, make_user: Callable[..., User], count: int) -> str:
    """``count`` more learners of Dinkes who completed TST-1 with a certificate; the last code."""
    course = db.session.scalar(select(Course).where(Course.code == "TST-1"))
    assert course is not None
    code = ""
    for _ in range(count):
        person = make_user(unit=DINKES)
        enrolment = Enrolment(
            user_id=person.id, course_id=course.id, status="active", completed_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
        )
        db.session.add(enrolment)
        db.session.flush()
        certificate = issue_certificate(enrolment)
        assert certificate is not None
        code = certificate.code
    from elearn.reports.ledger import record_missing_course_jp

    record_missing_course_jp()
    db.session.commit()
    return code


def counted(count_queries: Callable[[], Any], client: FlaskClient, paths: list[str]) -> list[int]:
    """How many statements each page costs (once the process's course structure is cached)."""
    client.get(paths[0])
    counts = []
    for path in paths:
        with count_queries() as counter:
            assert client.get(path).status_code == 200, path
        counts.append(counter.count)
    return counts


def test_pages_cost_the_same_queries_for_2_or_12_people(
    app: Flask,
    client: FlaskClient,
    scenario: Scenario,
    make_user: Callable[..., User],
    login: Login,
    count_queries: Callable[[], Any],
) -> None:
    coordinator = make_user("koord-hitung", role="coordinator", unit=SORONG)
    code = add_completions(scenario, make_user, 2)
    login(client, coordinator)
    paths = [
        f"/verify/{code}",
        "/manage/certificates",
        "/reports/jp?year=2026",
        "/reports?year=2026",
        "/manage/jp/records",
    ]
    few = counted(count_queries, client, paths)
    add_completions(scenario, make_user, 10)
    many = counted(count_queries, client, paths)
    assert many == few, dict(zip(paths, zip(few, many, strict=True), strict=True))
    api = counted(count_queries, client, ["/certificates"])
    assert api[0] < 15
