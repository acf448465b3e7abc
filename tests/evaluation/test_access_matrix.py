"""Every new route (surveys, needs analysis, discussions; pages and API) × every role of the scenario.

TST-1 gets a feedback survey and per-lesson discussions; ``peserta`` has completed it and wrote
two posts (one of them hidden); ``koordinator`` published a needs survey to Kota Sorong.
"May not know it exists" is 404; anonymous pages redirect to the sign-in page, the API says 401.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from elearn.accounts.models import Unit, User
from elearn.core.time import now
from elearn.discussion.models import DiscussionPost
from elearn.enrolment.models import Enrolment
from elearn.evaluation.models import NeedsSurvey, NeedsTopic, SurveyItem
from elearn.extensions import db
from tests.coursetree import build_course, write
from tests.factories import SORONG, Scenario, csrf_from, load_content
from tests.learning.test_access import ROLES, expect

SURVEY = "## Materi relevan. {type=likert id=relevansi}\n\n## Saran {type=text id=saran}\n"
PARTICIPANTS = {"learner_enrolled": 200, "instructor": 200, "admin": 200}
IN_SORONG = {name: 200 for name in ("learner_enrolled", "learner_not_enrolled", "instructor", "instructor_other")}
IN_SORONG["coordinator"] = 200


def only(anonymous: int, default: int, codes: dict[str, int], value: int | None = None) -> dict[str, int]:
    """``codes``' roles get their code (or ``value``), the others ``default``."""
    return expect(anonymous, default, **{role: value or code for role, code in codes.items()})


STAFF_READS = expect(302, 403, learner_enrolled=200, instructor=200, coordinator=200, coordinator_other=200, admin=200)
RESULTS = expect(302, 403, instructor=200, coordinator=200, coordinator_other=200, admin=200)
MANAGERS = expect(302, 403, coordinator=200, coordinator_other=200, admin=200)
OWNER = expect(302, 403, coordinator=200, coordinator_other=404, admin=200)

CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    # The course's feedback survey (peserta completed TST-1; staff see a preview).
    ("page survey", "GET", "/courses/TST-1/survey", None, STAFF_READS),
    ("page survey unknown course", "GET", "/courses/NOPE-1/survey", None, expect(302, 404)),
    ("page survey none", "GET", "/courses/TST-2/survey", None, expect(302, 404)),
    ("page survey results", "GET", "/courses/TST-1/survey/results", None, RESULTS),
    ("page survey results csv", "GET", "/courses/TST-1/survey/results.csv", None, RESULTS),
    ("api survey", "GET", "/api/v1/courses/TST-1/survey", None, dict(STAFF_READS, anonymous=401)),
    ("api survey results", "GET", "/api/v1/courses/TST-1/survey/results", None, dict(RESULTS, anonymous=401)),
    # Discussions: the course's active learners, its instructors and admins.
    ("page discussion", "GET", "/courses/TST-1/discussion", None, only(302, 403, PARTICIPANTS)),
    ("page lesson discussion", "GET", "/lessons/{lesson}/discussion", None, only(302, 403, PARTICIPANTS)),
    ("page discussion unknown", "GET", "/courses/NOPE-1/discussion", None, expect(302, 404)),
    ("page thread", "GET", "/discussion/{post}", None, only(302, 403, PARTICIPANTS)),
    ("page thread unknown", "GET", "/discussion/999999", None, expect(302, 404)),
    ("page edit post", "GET", "/discussion/{post}/edit", None, expect(302, 403, learner_enrolled=200)),
    (
        "page reported posts",
        "GET",
        "/courses/TST-1/discussion/reported",
        None,
        expect(302, 403, instructor=200, admin=200),
    ),
    ("api threads", "GET", "/api/v1/courses/TST-1/discussion", None, only(401, 403, PARTICIPANTS)),
    (
        "api lesson threads",
        "GET",
        "/api/v1/courses/TST-1/discussion?lesson={lesson}",
        None,
        only(401, 403, PARTICIPANTS),
    ),
    ("api thread", "GET", "/api/v1/discussion/{post}", None, only(401, 403, PARTICIPANTS)),
    ("page new thread", "POST", "/courses/TST-1/discussion", {"body": "Halo"}, only(302, 403, PARTICIPANTS, 302)),
    (
        "page new lesson thread",
        "POST",
        "/lessons/{lesson}/discussion",
        {"body": "Halo"},
        only(302, 403, PARTICIPANTS, 302),
    ),
    ("page reply", "POST", "/discussion/{post}/replies", {"body": "Ya"}, only(302, 403, PARTICIPANTS, 302)),
    ("page edit", "POST", "/discussion/{post}/edit", {"body": "Diubah"}, expect(302, 403, learner_enrolled=302)),
    (
        "page report",
        "POST",
        "/discussion/{post}/report",
        {"reason": "x"},
        expect(302, 403, learner_enrolled=409, instructor=302, admin=302),
    ),
    ("api new thread", "POST", "/api/v1/courses/TST-1/discussion", {"body": "Halo"}, only(401, 403, PARTICIPANTS, 201)),
    ("api reply", "POST", "/api/v1/discussion/{post}/replies", {"body": "Ya"}, only(401, 403, PARTICIPANTS, 201)),
    ("api edit", "PATCH", "/api/v1/discussion/{post}", {"body": "Lagi"}, expect(401, 403, learner_enrolled=200)),
    (
        "api report",
        "POST",
        "/api/v1/discussion/{post}/report",
        {},
        expect(401, 403, learner_enrolled=409, instructor=204, admin=204),
    ),
    ("page unhide", "POST", "/discussion/{hidden}/unhide", {}, expect(302, 403, instructor=302, admin=302)),
    (
        "api hide",
        "POST",
        "/api/v1/discussion/{hidden}/hide",
        {"reason": "x"},
        expect(401, 403, instructor=204, admin=204),
    ),
    ("api unhide", "POST", "/api/v1/discussion/{hidden}/unhide", None, expect(401, 403, instructor=204, admin=204)),
    ("page hide", "POST", "/discussion/{post}/hide", {"reason": "x"}, expect(302, 403, instructor=302, admin=302)),
    # Training needs: coordinators (their units) and admins manage; the units' staff answer.
    ("page needs", "GET", "/needs", None, expect(302, 200)),
    ("page new needs survey", "GET", "/needs/new", None, MANAGERS),
    ("page needs report", "GET", "/needs/{needs}", None, OWNER),
    (
        "page needs unknown",
        "GET",
        "/needs/999999",
        None,
        expect(302, 403, coordinator=404, coordinator_other=404, admin=404),
    ),
    ("page needs csv", "GET", "/needs/{needs}/export.csv", None, OWNER),
    ("page needs xlsx", "GET", "/needs/{needs}/export.xlsx", None, OWNER),
    ("page needs answer form", "GET", "/needs/{needs}/answer", None, only(302, 404, IN_SORONG)),
    ("api needs list", "GET", "/api/v1/needs-surveys", None, expect(401, 200)),
    ("api needs survey", "GET", "/api/v1/needs-surveys/{needs}", None, only(401, 404, IN_SORONG)),
    (
        "page publish needs survey",
        "POST",
        "/needs/new",
        {"title": ""},
        expect(302, 403, coordinator=422, coordinator_other=422, admin=422),
    ),
    (
        "page link course",
        "POST",
        "/needs/{needs}/links",
        {"topic": "{topic}", "course": "TST-1"},
        dict(OWNER, coordinator=302, admin=302),
    ),
    (
        "page needs answer",
        "POST",
        "/needs/{needs}/answer",
        {"rating-{topic}": "4", "method": "coaching"},
        only(302, 404, IN_SORONG, 302),
    ),
    (
        "api needs answer",
        "PUT",
        "/api/v1/needs-surveys/{needs}/response",
        {"ratings": {"{topic}": 5}, "method": "mentoring"},
        only(401, 404, IN_SORONG),
    ),
    ("page close needs survey", "POST", "/needs/{needs}/close", {}, dict(OWNER, coordinator=302, admin=302)),
    # Last: answering changes what the survey cases above see.
    (
        "page survey answer",
        "POST",
        "/courses/TST-1/survey",
        {"item-{likert}": "4"},
        expect(302, 403, learner_enrolled=302),
    ),
    # peserta answered on the page just before: a second answer is refused.
    (
        "api survey answer",
        "POST",
        "/api/v1/courses/TST-1/survey",
        {"answers": {"{likert}": 4}},
        expect(401, 403, learner_enrolled=409),
    ),
]


@pytest.fixture
def world(app: Flask, scenario: Scenario) -> dict[str, int]:
    """TST-1 with a survey and lesson discussions, peserta's posts, a needs survey; the ids by name."""
    build_course(scenario.content_dir, "TST-1", instructors="[guru]", discussion="lessons")
    write(scenario.content_dir / "tst-1" / "umpan-balik.survey.md", SURVEY)
    load_content(app, scenario.content_dir)
    peserta, koordinator = scenario.users["learner_enrolled"], scenario.users["coordinator"]
    db.session.execute(
        update(Enrolment)
        .where(Enrolment.user_id == peserta.id, Enrolment.course_id == scenario.course.id)
        .values(completed_at=now())
    )
    posts = [
        DiscussionPost(course_id=scenario.course.id, author_id=peserta.id, body=text, html=f"<p>{text}</p>")
        for text in ("Pertanyaan", "Disembunyikan")
    ]
    posts[1].hidden_at, posts[1].hidden_reason = now(), "uji"
    sorong = db.session.scalar(select(Unit.id).where(Unit.path == SORONG))
    assert sorong is not None
    survey = NeedsSurvey(
        title="Kebutuhan",
        unit_id=sorong,
        opens_on=dt.date(2020, 1, 1),
        closes_on=dt.date(2100, 1, 1),
        created_by_id=koordinator.id,
    )
    db.session.add_all([*posts, survey])
    db.session.flush()
    topic = NeedsTopic(survey_id=survey.id, position=1, competency="teknis", title="SKM")
    db.session.add(topic)
    db.session.commit()
    likert = db.session.scalar(select(SurveyItem.id).where(SurveyItem.key == "id:relevansi"))
    assert likert is not None
    return {
        "lesson": scenario.first_lesson_id,
        "post": posts[0].id,
        "hidden": posts[1].id,
        "needs": survey.id,
        "topic": topic.id,
        "likert": likert,
    }


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {_fill(key, ids): _fill(inner, ids) for key, inner in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_rules_say_on_every_new_route(
    client: FlaskClient,
    scenario: Scenario,
    world: dict[str, int],
    token_for: Callable[[User], dict[str, str]],
    login: Callable[[FlaskClient, User], None],
    role: str,
) -> None:
    user = scenario.users.get(role)
    headers = token_for(user) if user is not None else {}
    if user is not None:
        login(client, user)
    token = csrf_from(client, "/login" if user is None else "/")
    failures = []
    for name, method, template, body, expected in CASES:
        path, data = _fill(template, world), _fill(body, world)
        is_api = path.startswith("/api/")
        if is_api or method == "GET":
            response = client.open(path, method=method, json=data, headers=headers if is_api else {})
        else:
            response = client.open(path, method=method, data={"csrf_token": token, **(data or {})})
        if response.status_code != expected[role]:
            failures.append(f"{name}: {method} {path} -> {response.status_code}, expected {expected[role]}")
        if is_api and response.status_code >= 400:
            error = response.get_json()["error"]
            if response.status_code == 404 and error["code"] != "not_found":
                failures.append(f"{name}: 404 with code {error['code']}")
    assert not failures, "\n".join(failures)
