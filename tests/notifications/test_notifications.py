"""In-app notifications: written where things happen (approval, bulk enrolment, certificates, records,
essay grading), shown under the bell and on their page, about the person themselves only."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.certificates.services import revoke
from elearn.enrolment.services import actor_of, approve, bulk_enrol
from elearn.extensions import db
from elearn.notifications.models import Notification, OutgoingMail
from elearn.notifications.services import notify
from elearn.reports.models import ExternalRecord
from elearn.reports.records import decide
from tests.certificates.flows import course_with_jp, learner_completes
from tests.factories import DINKES, Scenario, load_content

Login = Callable[[FlaskClient, User], None]


def kinds_of(user: User) -> list[str]:
    return list(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def bell(html: str) -> str | None:
    found = re.search(r'class="bell-count">([^<]+)<', html)
    return found.group(1) if found else None


def test_an_approved_enrolment_rings_the_bell_until_the_list_is_read(
    client: FlaskClient, scenario: Scenario, login: Login
) -> None:
    learner = scenario.users["learner_enrolled"]
    approve(actor_of(scenario.users["coordinator"]), scenario.approval_course, learner.username)
    db.session.commit()
    assert kinds_of(learner) == ["enrolment_approved"]
    login(client, learner)
    assert bell(client.get("/my").get_data(as_text=True)) == "1"
    page = client.get("/notifications").get_data(as_text=True)
    assert "disetujui" in page and f'href="/courses/{scenario.approval_course.code}"' in page
    assert "Baru" in page
    assert bell(client.get("/my").get_data(as_text=True)) is None  # read: the count is gone
    assert "Baru" not in client.get("/notifications").get_data(as_text=True)
    approve(actor_of(scenario.users["coordinator"]), scenario.approval_course, learner.username)
    db.session.commit()
    assert kinds_of(learner) == ["enrolment_approved"]  # approving again changes nothing, tells nothing


def test_the_bell_costs_no_query_of_its_own(
    client: FlaskClient, scenario: Scenario, login: Login, count_queries: Callable[[], Any]
) -> None:
    learner = scenario.users["learner_enrolled"]
    login(client, learner)
    client.get("/my")
    with count_queries() as quiet:
        client.get("/my")
    for _ in range(3):
        notify(learner.id, "enrolled", course=scenario.course.code, title=scenario.course.title)
    db.session.commit()
    with count_queries() as ringing:
        html = client.get("/my").get_data(as_text=True)
    assert bell(html) == "3"
    assert ringing.count == quiet.count
    with count_queries() as listing:
        assert client.get("/notifications").status_code == 200
    assert listing.count <= 5  # session + user, the count, the page, marking read (and its commit)


def test_bulk_enrolment_tells_each_newly_enrolled_person_once(scenario: Scenario) -> None:
    users = scenario.users
    result = bulk_enrol(
        actor_of(users["coordinator"]),
        scenario.course,
        [users["learner_not_enrolled"].username, users["learner_enrolled"].username],
    )
    db.session.commit()
    assert result.enrolled == [users["learner_not_enrolled"].username]
    assert kinds_of(users["learner_not_enrolled"]) == ["enrolled"]
    assert kinds_of(users["learner_enrolled"]) == []  # already enrolled: nothing happened to them
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 0  # no SMTP: no mail written


def test_a_rejection_carries_its_reason_and_another_person_sees_nothing_of_it(
    client: FlaskClient, scenario: Scenario, login: Login
) -> None:
    learner, other = scenario.users["learner_enrolled"], scenario.users["learner_not_enrolled"]
    notify(learner.id, "enrolment_rejected", course="TST-A", title="Kursus TST-A", reason="Kuota unit penuh.")
    db.session.commit()
    login(client, learner)
    assert "Alasan: Kuota unit penuh." in client.get("/notifications").get_data(as_text=True)
    login(client, other)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Kuota" not in page and "Belum ada notifikasi" in page
    with pytest.raises(ValueError, match="needs title"):
        notify(learner.id, "enrolment_rejected", course="TST-A")
    with pytest.raises(ValueError, match="unknown"):
        notify(learner.id, "no_such_kind")


def test_certificates_issued_and_revoked_are_told_with_a_link_to_the_own_list(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
    login: Login,
) -> None:
    course_with_jp(tmp_path, "CRT-1", 10)
    load_content(app, tmp_path)
    ani, _headers, progress = learner_completes(client, make_user, token_for, "CRT-1", username="ani", unit=DINKES)
    assert kinds_of(ani) == ["certificate_issued"]
    admin = make_user("root", role="admin", unit=None)
    revoke(actor_of(admin), str(progress["certificate"]), "Data kehadiran tidak sah.")
    db.session.commit()
    assert kinds_of(ani) == ["certificate_issued", "certificate_revoked"]
    login(client, ani)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('href="/certificates"') >= 2
    assert "dicabut. Alasan: Data kehadiran tidak sah." in page


def test_external_records_decided_are_told(scenario: Scenario) -> None:
    learner = scenario.users["learner_enrolled"]
    records = []
    for title in ("Seminar SPBE", "Magang BKN"):
        record = ExternalRecord(
            user_id=learner.id,
            title=title,
            method="seminar",
            competency="technical",
            organiser="BKN",
            started_on=dt.date(2026, 3, 1),
            ended_on=dt.date(2026, 3, 2),
            jp=4,
            evidence_name="bukti.pdf",
            evidence_type="application/pdf",
            evidence_size=10,
        )
        db.session.add(record)
        records.append(record)
    db.session.commit()
    coordinator = actor_of(scenario.users["coordinator"])
    decide(coordinator, records[0].id, approve=True)
    decide(coordinator, records[1].id, approve=False, reason="Sertifikat tidak terbaca.")
    db.session.commit()
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == learner.id).order_by(Notification.id)
    ).all()
    assert [(n.kind, n.params) for n in rows] == [
        ("record_approved", {"title": "Seminar SPBE"}),
        ("record_rejected", {"title": "Magang BKN", "reason": "Sertifikat tidak terbaca."}),
    ]
    assert scenario.users["coordinator"].id not in {n.user_id for n in rows}


def test_an_unknown_kind_from_a_newer_version_reads_as_a_plain_sentence(
    client: FlaskClient, scenario: Scenario, login: Login
) -> None:
    learner = scenario.users["learner_enrolled"]
    db.session.add(Notification(user_id=learner.id, kind="from_the_future", params={}))
    db.session.commit()
    login(client, learner)
    assert "Ada kabar baru untuk Anda." in client.get("/notifications").get_data(as_text=True)


def test_notifications_page_in_english(client: FlaskClient, scenario: Scenario, login: Login) -> None:
    learner = scenario.users["learner_enrolled"]
    learner.locale = "en"
    notify(learner.id, "enrolled", course=scenario.course.code, title="Literasi Digital")
    db.session.commit()
    login(client, learner)
    with client.session_transaction() as session:
        session["locale"] = "en"
    page = client.get("/notifications").get_data(as_text=True)
    assert "You were enrolled in the course Literasi Digital." in page
