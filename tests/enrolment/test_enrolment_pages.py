"""Issue 15, points 7 and 10-13: withdraw, request reasons, the empty key, reject, unenrol, the key
for the course's staff, bulk enrolment from real files, and the participant list."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from tests.coursetree import build_course
from tests.factories import DINKES, Scenario, csrf_from, load_content

Login = Callable[[FlaskClient, User], None]
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf_from(client, "/"), **(data or {})}, **kwargs)


def status_of(user: User, course_id: int) -> str:
    found = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course_id))
    assert found is not None
    db.session.refresh(found)
    return found.status


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


# --- point 7: withdraw, a reason for the approver, the empty key ------------------------------------------


def test_a_learner_withdraws_a_pending_request_from_the_course_page_and_my_courses(
    client: FlaskClient, scenario: Scenario, login: Login
) -> None:
    learner = scenario.users["learner_enrolled"]  # pending in TST-A
    login(client, learner)
    assert "/courses/TST-A/withdraw" in text(client.get("/courses/TST-A"))
    assert "/courses/TST-A/withdraw" in text(client.get("/my"))
    response = post(client, "/courses/TST-A/withdraw", {"next": "my"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/my")
    assert status_of(learner, scenario.approval_course.id) == "withdrawn"
    page = text(client.get("/courses/TST-A"))
    assert "Anda telah membatalkan permintaan pendaftaran" in page
    assert "Ajukan pendaftaran" in page  # may ask again
    assert "TST-A" not in text(client.get("/my"))
    assert post(client, "/courses/TST-1/withdraw").status_code == 409  # active, not a request


def test_an_approval_request_keeps_a_short_reason_the_approver_reads_inert(
    client: FlaskClient, scenario: Scenario, login: Login
) -> None:
    login(client, scenario.users["learner_not_enrolled"])
    assert 'name="reason"' in text(client.get("/courses/TST-A"))
    assert post(client, "/courses/TST-A/enrol", {"reason": "x" * 501}).status_code == 302
    assert (
        db.session.scalar(select(Enrolment).where(Enrolment.user_id == scenario.users["learner_not_enrolled"].id))
        is None
    )
    post(client, "/courses/TST-A/enrol", {"reason": f"  Untuk tugas\u202e jabatan\n{XSS}  "})
    stored = db.session.scalar(
        select(Enrolment.request_reason).where(Enrolment.user_id == scenario.users["learner_not_enrolled"].id)
    )
    assert stored == f"Untuk tugas jabatan {XSS}"  # trimmed, one line, no direction override
    login(client, scenario.users["instructor"])
    page = text(client.get("/manage/courses/TST-A"))
    assert "Untuk tugas jabatan &lt;script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page


def test_an_empty_key_asks_for_the_key_instead_of_calling_it_wrong(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Login,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ELEARN_KEY_PAGE", "kunci-rahasia")
    build_course(tmp_path, "KEY-P", enrolment="key", enrolment_key_env="ELEARN_KEY_PAGE", instructors="[guru]")
    load_content(app, tmp_path)
    login(client, make_user("siti"))
    form = text(client.get("/courses/KEY-P"))
    assert re.search(r'<input[^>]*name="key"[^>]*required', form)
    empty = text(post(client, "/courses/KEY-P/enrol", {"key": "  "}, follow_redirects=True))
    assert "Isi kunci pendaftaran." in empty and "Kunci pendaftaran salah." not in empty
    wrong = text(post(client, "/courses/KEY-P/enrol", {"key": "salah"}, follow_redirects=True))
    assert "Kunci pendaftaran salah." in wrong


# --- point 10: reject with a reason, unenrol keeping progress ----------------------------------------------


def test_a_rejection_carries_a_reason_the_learner_reads_escaped_and_is_audited(
    app: Flask, scenario: Scenario, login: Login
) -> None:
    learner, teacher = app.test_client(), app.test_client()
    login(learner, scenario.users["learner_enrolled"])
    login(teacher, scenario.users["instructor"])
    refused = post(teacher, "/manage/courses/TST-A/reject/peserta", {"reason": "   "}, follow_redirects=True)
    assert "Alasan penolakan wajib diisi." in text(refused)
    assert status_of(scenario.users["learner_enrolled"], scenario.approval_course.id) == "pending"
    post(teacher, "/manage/courses/TST-A/reject/peserta", {"reason": f"Kuota penuh {XSS}"})
    assert status_of(scenario.users["learner_enrolled"], scenario.approval_course.id) == "rejected"
    page = text(learner.get("/courses/TST-A"))
    assert "Permintaan pendaftaran Anda ditolak." in page
    assert "Alasan: Kuota penuh &lt;script&gt;" in page and "<script>alert" not in page
    told = text(learner.get("/notifications"))  # and the bell says so, with the reason, escaped
    assert "ditolak" in told and "Kuota penuh &lt;script&gt;" in told and "<script>alert" not in told
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enrolment.reject"))
    assert entry is not None and entry.actor_username == "guru" and entry.details["reason"].startswith("Kuota")
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.request_reason.is_(None), Enrolment.status == "rejected")
    )
    assert enrolment is not None and enrolment.ended_by_id == scenario.users["instructor"].id and enrolment.ended_at
    # Asking again starts the same row afresh; the old decision stays in the audit log only.
    post(learner, "/courses/TST-A/enrol", {"reason": "Sudah ada kuota?"})
    db.session.refresh(enrolment)
    assert (enrolment.status, enrolment.decision_reason, enrolment.ended_at) == ("pending", None, None)


def test_unenrolling_keeps_progress_which_comes_back_on_enrolling_again(
    app: Flask, scenario: Scenario, login: Login, token_for: Callable[[User], dict[str, str]]
) -> None:
    peserta = scenario.users["learner_enrolled"]
    learner, coordinator = app.test_client(), app.test_client()
    login(learner, peserta)
    login(coordinator, scenario.users["coordinator"])
    assert learner.get(f"/lessons/{scenario.first_lesson_id}").status_code == 200
    headers = token_for(peserta)
    before = learner.get("/api/v1/courses/TST-1", headers=headers).get_json()["progress_percent"]
    assert before > 0
    page = text(coordinator.get("/manage/courses/TST-1/participants/peserta"))
    assert "Keluarkan" in page
    response = post(coordinator, "/manage/courses/TST-1/unenrol/peserta")
    assert response.status_code == 302
    assert status_of(peserta, scenario.course.id) == "unenrolled"
    assert db.session.get(LessonCompletion, (peserta.id, scenario.first_lesson_id)) is not None
    refused = learner.get(f"/lessons/{scenario.first_lesson_id}")  # back to the course page's enrol button
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/courses/TST-1#daftar")
    summary = learner.get("/api/v1/courses/TST-1", headers=headers).get_json()
    assert summary["enrolled"] is False and summary["enrolment_status"] is None
    assert "Kemajuan Anda tetap tersimpan" in text(learner.get("/courses/TST-1"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enrolment.unenrol"))
    assert entry is not None and entry.actor_username == "koordinator" and entry.at is not None
    post(learner, "/courses/TST-1/enrol")
    assert learner.get("/api/v1/courses/TST-1", headers=headers).get_json()["progress_percent"] == before


def test_the_api_rejects_and_unenrols_as_it_approves(
    client: FlaskClient, scenario: Scenario, token_for: Callable[[User], dict[str, str]]
) -> None:
    users = scenario.users
    base = "/api/v1/courses"
    elsewhere = client.post(
        f"{base}/TST-A/enrolments/peserta/reject", headers=token_for(users["coordinator_other"]), json={"reason": "x"}
    )
    assert elsewhere.status_code == 404
    learner = client.post(
        f"{base}/TST-A/enrolments/peserta/reject",
        headers=token_for(users["learner_not_enrolled"]),
        json={"reason": "x"},
    )
    assert learner.status_code == 403
    headers = token_for(users["admin"])
    assert client.post(f"{base}/TST-A/enrolments/peserta/reject", headers=headers, json={}).status_code == 422
    rejected = client.post(f"{base}/TST-A/enrolments/peserta/reject", headers=headers, json={"reason": "Penuh"})
    assert rejected.get_json() == {"status": "rejected"}
    assert client.post(f"{base}/TST-A/enrolments/peserta/approve", headers=headers).status_code == 409
    listed = client.get(f"{base}/TST-A/enrolments?status=rejected", headers=headers).get_json()["items"]
    assert [(item["username"], item["decision_reason"]) for item in listed] == [("peserta", "Penuh")]
    assert (
        client.post(f"{base}/TST-1/enrolments/peserta/reject", headers=headers, json={"reason": "x"}).status_code == 409
    )
    assert client.post(f"{base}/TST-1/enrolments/peserta/unenrol", headers=headers).get_json() == {
        "status": "unenrolled"
    }
    assert client.post(f"{base}/TST-1/enrolments/peserta/unenrol", headers=headers).status_code == 200  # idempotent
    own = token_for(users["learner_not_enrolled"])
    assert client.post(f"{base}/TST-A/enrolment", headers=own, json={"reason": "Perlu"}).get_json() == {
        "status": "pending"
    }
    assert client.post(f"{base}/TST-A/enrolment/withdraw", headers=own).get_json() == {"status": "withdrawn"}
    assert client.post(f"{base}/TST-1/enrolment/withdraw", headers=own).status_code == 409


# --- point 11: the key on the management page --------------------------------------------------------------


def test_the_enrolment_key_is_shown_on_the_management_page_to_the_course_staff(
    app: Flask, scenario: Scenario, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_course(
        scenario.content_dir, "KEY-M", enrolment="key", enrolment_key_env="ELEARN_KEY_MANAGE", instructors="[guru]"
    )
    load_content(app, scenario.content_dir)
    monkeypatch.setenv("ELEARN_KEY_MANAGE", "rahasia-42")
    for role in ("instructor", "coordinator", "admin"):
        client = app.test_client()
        login(client, scenario.users[role])
        assert '<code class="enrolment-key">rahasia-42</code>' in text(client.get("/manage/courses/KEY-M")), role
    other = app.test_client()
    login(other, scenario.users["instructor_other"])
    assert other.get("/manage/courses/KEY-M").status_code == 403
    monkeypatch.delenv("ELEARN_KEY_MANAGE")
    client = app.test_client()
    login(client, scenario.users["admin"])
    assert "variabel lingkungan ELEARN_KEY_MANAGE kosong" in text(client.get("/manage/courses/KEY-M"))
    assert "enrolment-key" not in text(client.get("/manage/courses/TST-1"))  # not a key course


# --- point 12: bulk enrolment from real files --------------------------------------------------------------


def test_bulk_enrolment_reads_an_indonesian_excel_csv_and_reports_repeats_after_the_redirect(
    client: FlaskClient, scenario: Scenario, login: Login, make_user: Callable[..., User]
) -> None:
    make_user("dewi", unit=DINKES, name="Dewi Sartika")
    nip = scenario.users["learner_not_enrolled"].nip
    login(client, scenario.users["coordinator"])
    csv = f"No;NIP;Nama;Jabatan\r\n1;{nip};Tamu;Pengelola Keuangan\r\n2;'{nip};Tamu lagi;Analis\r\n3;dewi;Dewi;Staf\r\n"
    data = {"names": "dewi", "file": (io.BytesIO(b"\xef\xbb\xbf" + csv.encode("cp1252")), "peserta.csv")}
    response = post(client, "/manage/courses/TST-1", data, content_type="multipart/form-data")
    assert response.status_code == 303
    page = text(client.get(response.headers["Location"]))
    assert "Terdaftar: 2" in page and "Ganda dalam daftar: 2" in page
    assert f"{nip} (berkas baris 3)" in page and "dewi (berkas baris 4)" in page


def test_a_nip_excel_turned_into_a_number_is_refused_with_how_to_fix_it(
    client: FlaskClient, scenario: Scenario, login: Login
) -> None:
    login(client, scenario.users["coordinator"])
    data = {"file": (io.BytesIO(b"NIP;Nama\r\n1,98703E+17;Tamu\r\n"), "peserta.csv")}
    page = text(post(client, "/manage/courses/TST-1", data, content_type="multipart/form-data"))
    assert "Baris 2: NIP tersimpan sebagai angka (1,98703E+17)" in page
    assert "Format kolom NIP sebagai Teks" in page and "Terdaftar:" not in page


def test_a_file_over_the_servers_limit_is_refused_under_the_file_field(
    app: Flask, client: FlaskClient, scenario: Scenario, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    login(client, scenario.users["coordinator"])
    data = {"file": (io.BytesIO(b"tamu\n" * 20_000), "besar.csv")}
    response = post(client, "/manage/courses/TST-1", data, content_type="multipart/form-data")
    page = text(response)
    assert response.status_code == 413
    assert re.search(r'id="file-error">Berkas lebih dari 2 MiB', page)
    assert 'name="names"' in page  # the form, not a bare error page


# --- point 13: the participant list ------------------------------------------------------------------------


def test_the_participant_list_filters_by_status_unit_and_name_or_nip_and_says_nobody_waits(
    client: FlaskClient, scenario: Scenario, login: Login, make_user: Callable[..., User]
) -> None:
    course = scenario.course
    for n in range(3):
        person = make_user(f"orang{n}", unit=DINKES if n else "Pemerintah Kota Sorong/Bappeda", name=f"Orang Ke{n}")
        db.session.add(Enrolment(user_id=person.id, course_id=course.id, status="active"))
    db.session.commit()
    login(client, scenario.users["instructor"])
    page = text(client.get("/manage/courses/TST-1?status=pending"))
    assert "Tidak ada yang menunggu persetujuan." in page and "Belum ada peserta." not in page
    by_unit = text(client.get("/manage/courses/TST-1", query_string={"unit": "Pemerintah Kota Sorong/Bappeda"}))
    assert "orang0" in by_unit and "orang1" not in by_unit
    by_name = text(client.get("/manage/courses/TST-1?q=ke2"))
    assert "orang2" in by_name and "orang1" not in by_name
    nip = db.session.scalar(select(User.nip).where(User.username == "orang1"))
    assert nip is not None
    by_nip = text(client.get("/manage/courses/TST-1", query_string={"q": nip[:12]}))
    assert "orang1" in by_nip and "orang2" not in by_nip
    assert "Tidak ada peserta yang cocok" in text(client.get("/manage/courses/TST-1?q=tidakada"))


def test_a_participants_page_says_which_lessons_and_quizzes_are_done(
    app: Flask, scenario: Scenario, login: Login
) -> None:
    learner, teacher = app.test_client(), app.test_client()
    login(learner, scenario.users["learner_enrolled"])
    learner.get(f"/lessons/{scenario.first_lesson_id}")
    login(teacher, scenario.users["coordinator"])
    page = text(teacher.get("/manage/courses/TST-1/participants/peserta"))
    done = re.findall(r'<span class="badge badge-ok">Selesai</span>\s*([^<]+?) <span', page)
    assert len(done) == 1  # the lesson peserta opened, and nothing else
    assert page.count(">Belum</span>") >= 3
    elsewhere = app.test_client()
    login(elsewhere, scenario.users["coordinator_other"])
    assert elsewhere.get("/manage/courses/TST-1/participants/peserta").status_code == 404


def test_the_participant_list_makes_the_same_number_of_queries_for_3_or_60_people(
    client: FlaskClient,
    scenario: Scenario,
    login: Login,
    make_user: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    login(client, scenario.users["admin"])
    db.session.add(
        Enrolment(user_id=scenario.users["learner_not_enrolled"].id, course_id=scenario.course.id, status="pending")
    )
    db.session.commit()

    def queries() -> int:
        client.get("/manage/courses/TST-1")  # warm the cached structure
        with count_queries() as counter:
            assert client.get("/manage/courses/TST-1").status_code == 200
        return counter.count

    few = queries()
    for n in range(60):
        person = make_user(f"massal{n}", unit=DINKES)
        db.session.add(
            Enrolment(user_id=person.id, course_id=scenario.course.id, status="active" if n % 3 else "pending")
        )
        db.session.add(LessonCompletion(user_id=person.id, lesson_id=scenario.first_lesson_id))
    db.session.commit()
    assert queries() == few
    assert few <= 16
