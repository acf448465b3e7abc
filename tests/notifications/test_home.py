"""The home page ("Beranda") and the account page: what a signed-in person meets first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.core.time import now
from elearn.extensions import db
from elearn.notifications.services import notify
from elearn.quizzes.models import Attempt
from elearn.reports.ledger import bounds, current_year
from elearn.reports.models import JpEntry
from tests.factories import Scenario

Login = Callable[[FlaskClient, User], None]


def test_home_shows_courses_jp_open_quizzes_pending_requests_and_news_in_few_queries(
    client: FlaskClient, scenario: Scenario, login: Login, count_queries: Callable[[], Any]
) -> None:
    learner = scenario.users["learner_enrolled"]
    start, _end = bounds(current_year())
    day = start.date()
    entry = dict(source="external", title="Seminar SPBE", competency="technical", method="seminar", organiser="BKN")
    db.session.add(JpEntry(user_id=learner.id, jp=7, started_on=day, ended_on=day, earned_at=start, **entry))
    deadline = now() + dt.timedelta(minutes=30)
    db.session.add(Attempt(quiz_id=scenario.quiz_id, user_id=learner.id, number=1, deadline_at=deadline))
    notify(learner.id, "enrolled", course=scenario.course.code, title=scenario.course.title)
    db.session.commit()
    login(client, learner)
    client.get("/home")
    with count_queries() as counter:
        page = client.get("/home")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'href="/courses/{scenario.course.code}/continue"' in html  # where to continue
    assert "7 / 20 JP" in html and "Kurang 13 JP" in html
    assert "Kuis yang sedang dikerjakan" in html and 'href="/attempts/' in html
    assert "Menunggu persetujuan" in html and scenario.approval_course.title in html
    assert "Notifikasi terbaru" in html and "Anda didaftarkan ke kursus" in html
    assert 'aria-current="page">Beranda' in html
    # the session and the person (with the bell's count), enrolments and progress, the year's JP,
    # open attempts, the latest notifications
    assert counter.count <= 5, counter.statements


def test_home_of_someone_new_points_to_the_catalogue(client: FlaskClient, scenario: Scenario, login: Login) -> None:
    login(client, scenario.users["learner_not_enrolled"])
    html = client.get("/home").get_data(as_text=True)
    assert "Anda belum terdaftar di kursus apa pun." in html and 'href="/"' in html
    assert "Kuis yang sedang dikerjakan" not in html and "Menunggu persetujuan" not in html


def test_the_account_page_is_linked_from_the_header_and_offers_language_and_password(
    client: FlaskClient, scenario: Scenario, login: Login
) -> None:
    learner = scenario.users["learner_enrolled"]
    learner.email, learner.position = "peserta@sorongkota.go.id", "Analis Kebijakan"
    db.session.commit()
    login(client, learner)
    assert 'href="/account"' in client.get("/home").get_data(as_text=True)
    html = client.get("/account").get_data(as_text=True)
    for shown in (learner.name, learner.nip, "Analis Kebijakan", "Dinas Kesehatan", "peserta@sorongkota.go.id"):
        assert shown in html
    assert 'href="/account/password"' in html and 'action="/language"' in html
    csrf = _csrf(client, "/account")
    switched = client.post("/language", data={"csrf_token": csrf, "locale": "en", "next": "/account"})
    assert switched.headers["Location"] == "/account"
    assert db.session.scalar(select(User.locale).where(User.id == learner.id)) == "en"
    assert "My account" in client.get("/account").get_data(as_text=True)


def _csrf(client: FlaskClient, url: str = "/home") -> str:
    from tests.factories import csrf_from

    return csrf_from(client, url)
