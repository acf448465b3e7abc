"""Training-needs surveys: publish to units, answer on a phone, rank, export, link courses, catalogue order."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.evaluation.models import NeedsRating, NeedsResponse, NeedsSurvey, NeedsTopic
from elearn.extensions import db
from tests.coursetree import build_course
from tests.factories import csrf_from, load_content

SORONG = "Pemerintah Kota Sorong"
DINKES = f"{SORONG}/Dinas Kesehatan"
DISDIK = f"{SORONG}/Dinas Pendidikan"
MANOKWARI = "Pemerintah Kabupaten Manokwari"


@pytest.fixture
def courses(app: Flask, tmp_path: Path) -> None:
    for code in ("AAA-1", "ZZZ-1"):
        build_course(tmp_path, code, modules=1, lessons=1, quiz=False)
    load_content(app, tmp_path)


def publish(client: FlaskClient, **fields: str) -> object:
    today = dt.date.today()
    data = {
        "csrf_token": csrf_from(client, "/needs/new"),
        "title": "Analisis kebutuhan 2027",
        "intro": "",
        "unit": SORONG,
        "opens_on": (today - dt.timedelta(days=1)).isoformat(),
        "closes_on": (today + dt.timedelta(days=30)).isoformat(),
        "topics_teknis": 'Penyusunan SKM\n=HYPERLINK("x")\n',
        "topics_manajerial": "Manajemen kinerja",
        "topics_sosial": "",
    }
    data.update(fields)
    return client.post("/needs/new", data=data)


def topics() -> dict[str, int]:
    return {title: topic_id for title, topic_id in db.session.execute(select(NeedsTopic.title, NeedsTopic.id))}


def answer(
    client: FlaskClient, survey_id: int, ratings: dict[str, str], method: str = "coaching", comment: str = ""
) -> object:
    data = {"csrf_token": csrf_from(client, f"/needs/{survey_id}/answer"), "method": method, "comment": comment}
    data.update({f"rating-{topics()[title]}": value for title, value in ratings.items()})
    return client.post(f"/needs/{survey_id}/answer", data=data)


@pytest.fixture
def survey_id(courses: None, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., None]) -> int:
    login(client, make_user("koordinator", role="coordinator", unit=SORONG))
    response = publish(client)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    found = db.session.scalar(select(NeedsSurvey.id))
    assert found is not None
    return found


def test_a_coordinator_publishes_only_within_their_units_and_learners_may_not_publish(
    courses: None, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., None]
) -> None:
    login(client, make_user("koordinator", role="coordinator", unit=DINKES))
    assert publish(client, unit=SORONG).status_code == 422
    assert publish(client, unit=DINKES, topics_teknis="", topics_manajerial="").status_code == 422
    assert publish(client, unit=DINKES, closes_on="2000-01-01").status_code == 422
    assert db.session.scalar(select(func.count()).select_from(NeedsSurvey)) == 0
    assert publish(client, unit=DINKES).status_code == 302
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "needs.publish"))
    login(client, make_user("siti", unit=DINKES))
    assert client.get("/needs/new").status_code == 403


def test_staff_of_the_units_answer_and_answering_again_replaces_the_answer(
    client: FlaskClient, survey_id: int, make_user: Callable[..., User], login: Callable[..., None]
) -> None:
    siti = make_user("siti", unit=DINKES)
    login(client, siti)
    assert "Ada survei analisis kebutuhan untuk unit Anda." in client.get("/").get_data(as_text=True)
    ratings = {"Penyusunan SKM": "5", '=HYPERLINK("x")': "1", "Manajemen kinerja": "3"}
    assert answer(client, survey_id, ratings).status_code == 302
    assert "Ada survei analisis kebutuhan" not in client.get("/").get_data(as_text=True)
    assert answer(client, survey_id, {**ratings, "Penyusunan SKM": "4"}, method="magang").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(NeedsResponse)) == 1
    assert db.session.scalar(select(func.count()).select_from(NeedsRating)) == 3
    assert db.session.scalar(select(NeedsResponse.method)) == "magang"
    login(client, make_user("jauh", unit=f"{MANOKWARI}/Dinas Pendidikan"))
    assert client.get(f"/needs/{survey_id}/answer").status_code == 404


def test_bad_needs_answers_are_refused_whole(
    client: FlaskClient, survey_id: int, make_user: Callable[..., User], login: Callable[..., None]
) -> None:
    login(client, make_user("siti", unit=DINKES))
    good = {"Penyusunan SKM": "5", '=HYPERLINK("x")': "1", "Manajemen kinerja": "3"}
    assert answer(client, survey_id, {**good, "Penyusunan SKM": "6"}).status_code == 422
    assert answer(client, survey_id, {**good, "Penyusunan SKM": ""}).status_code == 422
    assert answer(client, survey_id, good, method="webinar").status_code == 422
    assert answer(client, survey_id, good, comment="x" * 2001).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(NeedsResponse)) == 0


def test_a_closed_survey_takes_no_answer(
    client: FlaskClient, survey_id: int, make_user: Callable[..., User], login: Callable[..., None]
) -> None:
    from tests.factories import csrf_from as token_of

    client.post(f"/needs/{survey_id}/close", data={"csrf_token": token_of(client, f"/needs/{survey_id}")})
    login(client, make_user("siti", unit=DINKES))
    assert "sudah ditutup" in client.get(f"/needs/{survey_id}/answer").get_data(as_text=True)
    good = {"Penyusunan SKM": "5", '=HYPERLINK("x")': "1", "Manajemen kinerja": "3"}
    assert answer(client, survey_id, good).status_code == 409


def test_needs_are_ranked_per_unit_and_competency_and_exported_with_formulas_neutralised(
    client: FlaskClient, survey_id: int, make_user: Callable[..., User], login: Callable[..., None]
) -> None:
    coordinator = db.session.scalar(select(User).where(User.username == "koordinator"))
    for n, (unit, skm, kinerja) in enumerate([(DINKES, "5", "2"), (DINKES, "4", "3"), (DISDIK, "1", "5")]):
        login(client, make_user(f"pegawai{n}", unit=unit))
        answer(client, survey_id, {"Penyusunan SKM": skm, '=HYPERLINK("x")': "1", "Manajemen kinerja": kinerja})
    login(client, coordinator)
    page = client.get(f"/needs/{survey_id}").get_data(as_text=True)
    assert page.index("1. Penyusunan SKM") < page.index(
        "2. Manajemen kinerja"
    )  # both 3.33: more people rated SKM 4 or 5
    exported = client.get(f"/needs/{survey_id}/export.csv")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    overall = [row for row in rows if row["unit"] == "(semua unit)"]
    assert [row["topik"] for row in overall][:2] == ["Penyusunan SKM", "Manajemen kinerja"]
    assert any(row["topik"] == '\'=HYPERLINK("x")' for row in rows)
    dinkes = [row for row in rows if row["unit"] == DINKES]
    assert (dinkes[0]["topik"], dinkes[0]["rata_rata"], dinkes[0]["responden"]) == ("Penyusunan SKM", "4.5", "2")
    disdik = [row for row in rows if row["unit"] == DISDIK]
    assert disdik[0]["topik"] == "Manajemen kinerja"
    workbook = load_workbook(io.BytesIO(client.get(f"/needs/{survey_id}/export.xlsx").data))
    cells = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert '\'=HYPERLINK("x")' in cells
    login(client, make_user("koordinator2", role="coordinator", unit=MANOKWARI))
    assert client.get(f"/needs/{survey_id}").status_code == 404
    assert client.get(f"/needs/{survey_id}/export.csv").status_code == 404


def test_linked_courses_come_first_in_the_catalogue_of_the_units_staff(
    client: FlaskClient, survey_id: int, make_user: Callable[..., User], login: Callable[..., None]
) -> None:
    token = csrf_from(client, f"/needs/{survey_id}")
    response = client.post(
        f"/needs/{survey_id}/links", data={"csrf_token": token, "topic": topics()["Penyusunan SKM"], "course": "ZZZ-1"}
    )
    assert response.status_code == 302
    login(client, make_user("siti", unit=DINKES))
    page = client.get("/").get_data(as_text=True)
    assert page.index("Kursus ZZZ-1") < page.index("Kursus AAA-1")
    assert "Sesuai kebutuhan unit Anda" in page
    login(client, make_user("jauh", unit=f"{MANOKWARI}/Dinas Pendidikan"))
    elsewhere = client.get("/").get_data(as_text=True)
    assert elsewhere.index("Kursus AAA-1") < elsewhere.index("Kursus ZZZ-1")
    assert "Sesuai kebutuhan unit Anda" not in elsewhere
