"""Enrolment: open, key, approval, closed, the window, bulk, approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from tests.coursetree import build_course
from tests.factories import SORONG, Scenario, load_content


def enrol(client: FlaskClient, headers: dict[str, str], code: str, body: dict[str, str] | None = None):  # noqa: ANN201
    return client.post(f"/api/v1/courses/{code}/enrolment", headers=headers, json=body or {})


def test_open_course_enrols_at_once_and_again_is_200(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["learner_not_enrolled"])
    first = enrol(client, headers, "TST-1")
    assert first.status_code == 201
    assert first.get_json() == {"status": "active"}
    again = enrol(client, headers, "TST-1")
    assert again.status_code == 200
    assert again.get_json() == {"status": "active"}
    summary = client.get("/api/v1/courses/TST-1", headers=headers).get_json()
    assert summary["enrolled"] is True
    assert summary["progress_percent"] == 0


def test_key_course_refuses_a_missing_or_wrong_key_and_accepts_the_right_one(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ELEARN_KEY_TST", "kunci-rahasia")
    build_course(tmp_path, "KEY-1", enrolment="key", enrolment_key_env="ELEARN_KEY_TST")
    load_content(app, tmp_path)
    headers = token_for(make_user("siti"))
    for body in ({}, {"key": "salah"}):
        refused = enrol(client, headers, "KEY-1", body)
        assert refused.status_code == 403
        assert refused.get_json()["error"]["code"] == "wrong_key"
    assert enrol(client, headers, "KEY-1", {"key": "kunci-rahasia"}).status_code == 201


def test_key_course_without_the_variable_set_refuses_every_key(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ELEARN_KEY_UNSET", raising=False)
    build_course(tmp_path, "KEY-2", enrolment="key", enrolment_key_env="ELEARN_KEY_UNSET")
    load_content(app, tmp_path)
    response = enrol(client, token_for(make_user("siti")), "KEY-2", {"key": ""})
    assert response.get_json()["error"]["code"] == "wrong_key"


def test_approval_course_gives_pending_then_approval_activates(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    learner = scenario.users["learner_not_enrolled"]
    headers = token_for(learner)
    response = enrol(client, headers, "TST-A")
    assert response.status_code == 201
    assert response.get_json() == {"status": "pending"}
    summary = client.get("/api/v1/courses/TST-A", headers=headers).get_json()
    assert summary["enrolled"] is False
    assert summary["enrolment_status"] == "pending"
    assert summary["progress_percent"] is None
    lesson = client.get("/api/v1/courses/TST-A", headers=headers).get_json()["modules"][0]["items"][0]["id"]
    pending = client.get(f"/api/v1/lessons/{lesson}", headers=headers)
    assert pending.status_code == 403
    assert pending.get_json()["error"]["code"] == "enrolment_pending"
    coordinator = token_for(scenario.users["coordinator"])
    approved = client.post(f"/api/v1/courses/TST-A/enrolments/{learner.username}/approve", headers=coordinator)
    assert approved.get_json() == {"status": "active"}
    assert client.get(f"/api/v1/lessons/{lesson}", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("keys", "today"),
    [
        ({"enrolment": "closed"}, dt.date(2026, 11, 23)),
        ({"opens": "2026-12-01"}, dt.date(2026, 11, 23)),
        ({"closes": "2026-11-22"}, dt.date(2026, 11, 23)),
    ],
)
def test_closed_course_or_outside_the_window_is_enrolment_closed(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
    clock: Callable[[dt.datetime], None],
    keys: dict[str, str],
    today: dt.date,
) -> None:
    build_course(tmp_path, "WIN-1", **keys)
    load_content(app, tmp_path)
    clock(dt.datetime.combine(today, dt.time(3, 0), tzinfo=dt.UTC))
    response = enrol(client, token_for(make_user("siti")), "WIN-1")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "enrolment_closed"


def test_window_edges_are_inclusive_in_the_deployment_time_zone(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
    clock: Callable[[dt.datetime], None],
) -> None:
    build_course(tmp_path, "WIN-2", opens="2026-12-01", closes="2026-12-01")
    load_content(app, tmp_path)
    # 2026-11-30 18:00 UTC is already 2026-12-01 01:00 in Jakarta.
    clock(dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC))
    assert enrol(client, token_for(make_user("siti")), "WIN-2").status_code == 201


def test_bulk_enrol_sorts_each_name_into_exactly_one_list(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]], make_user: Callable[..., User]
) -> None:
    nip_user = make_user("dengan-nip", unit=f"{SORONG}/BKPSDM")
    body = {"usernames": ["tamu", "peserta", "jauh", "tidak-ada", nip_user.nip or "", "TAMU"]}
    response = client.post(
        "/api/v1/courses/TST-1/enrolments", headers=token_for(scenario.users["coordinator"]), json=body
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "enrolled": ["tamu", nip_user.nip],
        "already": ["peserta", "TAMU"],
        "unknown": ["tidak-ada"],
        "forbidden": ["jauh"],
    }


def test_admin_bulk_enrols_anyone_and_activates_a_pending_enrolment(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    body = {"usernames": ["jauh", "peserta"]}
    response = client.post("/api/v1/courses/TST-A/enrolments", headers=token_for(scenario.users["admin"]), json=body)
    assert response.get_json()["enrolled"] == ["jauh", "peserta"]


def test_enrolment_list_is_scoped_paged_and_shows_progress(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    admin = token_for(scenario.users["admin"])
    client.post("/api/v1/courses/TST-1/enrolments", headers=admin, json={"usernames": ["tamu", "jauh"]})
    client.get(f"/api/v1/lessons/{scenario.first_lesson_id}", headers=token_for(scenario.users["learner_enrolled"]))
    everyone = client.get("/api/v1/courses/TST-1/enrolments", headers=admin).get_json()
    assert [i["username"] for i in everyone["items"]] == ["peserta", "tamu", "jauh"]
    assert everyone["total"] == 3
    assert everyone["items"][0]["progress_percent"] == 20  # 1 of 5 required items
    assert everyone["items"][0]["unit"] == "Pemerintah Kota Sorong/Dinas Kesehatan"
    assert everyone["items"][0]["enrolled_at"].endswith("+00:00")  # ISO 8601 in UTC with offset
    assert everyone["items"][0]["completed_at"] is None
    page = client.get("/api/v1/courses/TST-1/enrolments?page=2&per_page=2", headers=admin).get_json()
    assert [i["username"] for i in page["items"]] == ["jauh"]
    assert (page["page"], page["per_page"], page["total"]) == (2, 2, 3)
    sorong = client.get("/api/v1/courses/TST-1/enrolments", headers=token_for(scenario.users["coordinator"])).get_json()
    assert {i["username"] for i in sorong["items"]} == {"peserta", "tamu"}
    other = token_for(scenario.users["coordinator_other"])
    assert [
        i["username"] for i in client.get("/api/v1/courses/TST-1/enrolments", headers=other).get_json()["items"]
    ] == ["jauh"]
    pending = client.get("/api/v1/courses/TST-A/enrolments?status=pending", headers=admin).get_json()
    assert [i["status"] for i in pending["items"]] == ["pending"]


def test_per_page_above_500_is_refused(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    response = client.get("/api/v1/courses/TST-1/enrolments?per_page=501", headers=token_for(scenario.users["admin"]))
    assert response.status_code == 422
    assert "per_page" in response.get_json()["error"]["fields"]


def test_bulk_enrol_page_accepts_a_csv_upload_and_reports_after_a_redirect_once(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    import io

    from tests.factories import csrf_from

    login(client, scenario.users["coordinator"])
    token = csrf_from(client, "/manage/courses/TST-1")
    data = {
        "csrf_token": token,
        "names": "jauh",
        "file": (io.BytesIO(b"username,name\ntamu,Tamu\nhantu,Hantu\n"), "peserta.csv"),
    }
    response = client.post("/manage/courses/TST-1", data=data, content_type="multipart/form-data")
    assert response.status_code == 303  # POST-redirect-GET: a reload of the result sends nothing again
    assert response.headers["Location"].endswith("/manage/courses/TST-1")
    html = client.get("/manage/courses/TST-1").get_data(as_text=True)
    assert "Terdaftar: 1" in html
    assert "Tidak dikenal: hantu" in html
    assert "Di luar unit Anda: jauh" in html
    assert "Terdaftar: 1" not in client.get("/manage/courses/TST-1").get_data(as_text=True)  # shown once


def test_bulk_enrol_page_reads_an_xlsx_by_nip_and_refuses_it_whole_when_a_nip_is_a_number(
    client: FlaskClient, scenario: Scenario, login: Callable[[FlaskClient, User], None]
) -> None:
    import io

    from openpyxl import Workbook

    from tests.factories import csrf_from

    def post_xlsx(*rows: list[object]) -> str:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in [["No", "NIP", "Nama"], *rows]:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        buffer.seek(0)
        data = {"csrf_token": csrf_from(client, "/manage/courses/TST-1"), "file": (buffer, "peserta.xlsx")}
        response = client.post(
            "/manage/courses/TST-1", data=data, content_type="multipart/form-data", follow_redirects=True
        )
        assert response.status_code == 200
        return response.get_data(as_text=True)

    login(client, scenario.users["coordinator"])
    nip = scenario.users["learner_not_enrolled"].nip
    assert nip is not None
    refused = post_xlsx([1, nip, "Tamu"], [2, int(nip), "Tamu lagi"])
    assert "Baris 3: NIP tersimpan sebagai angka (" in refused
    assert "Terdaftar:" not in refused
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert "Terdaftar: 1" in post_xlsx([1, spaced, "Tamu"])


def test_names_in_another_unit_are_forbidden_for_a_coordinator_of_another_unit(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    response = client.post(
        "/api/v1/courses/TST-1/enrolments",
        headers=token_for(scenario.users["coordinator_other"]),
        json={"usernames": ["tamu", "jauh"]},
    )
    assert response.get_json()["forbidden"] == ["tamu"]
    assert response.get_json()["enrolled"] == ["jauh"]


def test_each_distinct_name_is_answered_once_and_a_blank_one_is_unknown(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    body = {"usernames": ["tamu", "tamu", "TAMU", "  ", "hantu", "hantu"]}
    response = client.post("/api/v1/courses/TST-1/enrolments", headers=token_for(scenario.users["admin"]), json=body)
    assert response.get_json() == {"enrolled": ["tamu"], "already": ["TAMU"], "unknown": ["", "hantu"], "forbidden": []}


def test_a_coordinator_cannot_approve_or_bulk_enrol_themselves(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    coordinator = scenario.users["coordinator"]
    headers = token_for(coordinator)
    assert client.post("/api/v1/courses/TST-A/enrolment", headers=headers, json={}).get_json() == {"status": "pending"}
    own = client.post(f"/api/v1/courses/TST-A/enrolments/{coordinator.username}/approve", headers=headers)
    assert own.status_code == 403
    bulk = client.post("/api/v1/courses/TST-A/enrolments", headers=headers, json={"usernames": [coordinator.username]})
    assert bulk.get_json()["forbidden"] == [coordinator.username]


def test_approving_an_unknown_person_tells_a_learner_nothing(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["learner_not_enrolled"])
    for username in ("peserta", "tidak-ada"):
        response = client.post(f"/api/v1/courses/TST-A/enrolments/{username}/approve", headers=headers)
        assert response.status_code == 403


def test_bulk_enrolment_activates_a_pending_enrolment_in_the_database(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    from sqlalchemy import select

    from elearn.enrolment.models import Enrolment
    from elearn.extensions import db

    client.post(
        "/api/v1/courses/TST-A/enrolments", headers=token_for(scenario.users["admin"]), json={"usernames": ["peserta"]}
    )
    status = db.session.scalar(
        select(Enrolment.status).where(
            Enrolment.user_id == scenario.users["learner_enrolled"].id,
            Enrolment.course_id == scenario.approval_course.id,
        )
    )
    assert status == "active"


def test_the_key_may_live_in_dotenv_and_surrounding_white_space_is_ignored(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_course(tmp_path / "content", "KEY-3", enrolment="key", enrolment_key_env="KUNCI_KURSUS")
    load_content(app, tmp_path / "content")
    monkeypatch.delenv("KUNCI_KURSUS", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("KUNCI_KURSUS=rahasia-sorong \n")
    assert enrol(client, token_for(make_user("siti")), "KEY-3", {"key": " rahasia-sorong"}).status_code == 201


def test_a_course_cannot_use_a_setting_such_as_the_secret_key_as_its_key(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ELEARN_SECRET_KEY", "bocor-kah-rahasia-ini-1234567890abcdef")
    build_course(tmp_path, "KEY-4", enrolment="key", enrolment_key_env="ELEARN_SECRET_KEY")
    load_content(app, tmp_path)
    response = enrol(client, token_for(make_user("siti")), "KEY-4", {"key": "bocor-kah-rahasia-ini-1234567890abcdef"})
    assert response.get_json()["error"]["code"] == "wrong_key"


def test_pages_show_a_course_outside_its_window_as_closed_and_offer_no_enrol_button(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    tmp_path: Path,
    clock: Callable[[dt.datetime], None],
) -> None:
    build_course(tmp_path, "WIN-3", opens="2026-12-01")
    load_content(app, tmp_path)
    clock(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC))
    login(client, make_user("siti"))
    page = client.get("/courses/WIN-3").get_data(as_text=True)
    assert "Pendaftaran dibuka mulai" in page
    assert "Daftar kursus" not in page
    assert "Pendaftaran ditutup" in client.get("/").get_data(as_text=True)


def test_enrolling_in_an_open_course_needs_no_body_at_all(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    response = client.post("/api/v1/courses/TST-2/enrolment", headers=token_for(scenario.users["learner_not_enrolled"]))
    assert response.status_code == 201
