"""External learning records: evidence checked by content and size, approval by the learner's
coordinator, only approved records count, approved ones are final; SIASN, dashboard, course report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.extensions import db
from elearn.reports.models import Evidence, ExternalRecord
from tests.certificates.flows import course_with_jp
from tests.factories import DINKES, MANOKWARI, SORONG, load_content

Tokens = Callable[[User], dict[str, str]]
Login = Callable[[FlaskClient, User], None]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200
FIELDS = {
    "title": "Seminar Nasional Manajemen ASN",
    "method": "seminar",
    "competency": "manajerial",
    "organiser": "BKN",
    "started_on": "2026-03-02",
    "ended_on": "2026-03-03",
    "jp": "8",
}


@pytest.fixture
def people(app: Flask, make_user: Callable[..., User], clock: Callable[[dt.datetime], None]) -> dict[str, User]:
    """A learner in Dinkes, her coordinator, a coordinator elsewhere, an admin; today is 2026-11-23."""
    return {
        "ani": make_user("ani", unit=DINKES, name="Ani"),
        "koord": make_user("koord", role="coordinator", unit=SORONG),
        "koord2": make_user("koord2", role="coordinator", unit=MANOKWARI.split("/")[0]),
        "admin": make_user("root", role="admin", unit=None),
    }


def submit(client: FlaskClient, data: bytes, name: str = "bukti.pdf", **changes: str) -> str:
    """Post the record form with an evidence file; the page's HTML."""
    html = client.get("/jp/records/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token
    form = {**FIELDS, **changes, "csrf_token": token.group(1), "evidence": (io.BytesIO(data), name)}
    return client.post(
        "/jp/records/new", data=form, content_type="multipart/form-data", follow_redirects=True
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (EXE, "sertifikat.pdf", "isi berkas diperiksa"),
        (b"<html><script>alert(1)</script>", "bukti.png", "isi berkas diperiksa"),
        (b"%PDF-" + b"x" * (100 * 1024), "besar.pdf", "terlalu besar"),
    ],
)
def test_bad_evidence_gets_a_clear_form_error_and_nothing_is_stored(
    app: Flask, client: FlaskClient, people: dict[str, User], login: Login, data: bytes, name: str, message: str
) -> None:
    # A small limit keeps the upload in memory in the test client (a spooled file would outlive the test).
    app.config["ELEARN_EVIDENCE_MAX_BYTES"], limit = 100 * 1024, app.config["ELEARN_EVIDENCE_MAX_BYTES"]
    login(client, people["ani"])
    html = submit(client, data, name)
    assert message in html and 'aria-invalid="true"' in html
    assert db.session.scalar(select(func.count()).select_from(ExternalRecord)) == 0
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    app.config["ELEARN_EVIDENCE_MAX_BYTES"] = limit


def test_a_record_counts_only_once_approved_and_is_final_then(
    client: FlaskClient, people: dict[str, User], login: Login, token_for: Tokens
) -> None:
    login(client, people["ani"])
    assert "menunggu persetujuan" in submit(client, PDF)
    record = db.session.scalar(select(ExternalRecord))
    assert record is not None and record.status == "pending" and record.evidence_type == "application/pdf"
    ani = token_for(people["ani"])
    assert client.get("/api/v1/me/jp?year=2026", headers=ani).get_json()["jp"] == 0
    # Not her coordinator: the record does not exist for them.
    other = client.post(f"/api/v1/learning-records/{record.id}/approve", headers=token_for(people["koord2"]))
    assert other.status_code == 404
    assert (
        client.get(f"/api/v1/learning-records/{record.id}/evidence", headers=token_for(people["koord2"])).status_code
        == 404
    )
    koord = token_for(people["koord"])
    queue = client.get("/api/v1/learning-records?status=pending", headers=koord).get_json()
    assert [item["id"] for item in queue["items"]] == [record.id]
    evidence = client.get(f"/api/v1/learning-records/{record.id}/evidence", headers=koord)
    assert evidence.data == PDF
    assert evidence.headers["Content-Security-Policy"] == "sandbox"
    assert evidence.headers["X-Content-Type-Options"] == "nosniff"
    assert evidence.headers["Content-Disposition"].startswith("attachment")
    approved = client.post(f"/api/v1/learning-records/{record.id}/approve", headers=koord)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    mine = client.get("/api/v1/me/jp?year=2026", headers=ani).get_json()
    assert mine["jp"] == 8 and mine["entries"][0]["method"] == "seminar"
    again = client.post(f"/api/v1/learning-records/{record.id}/approve", headers=koord)
    assert again.status_code == 409
    assert client.get(f"/jp/records/{record.id}/edit").status_code == 200
    edited = submit_edit(client, record.id)
    assert edited == 409
    assert [e.action for e in db.session.scalars(select(AuditEntry))] == ["jp_record.approve"]


def submit_edit(client: FlaskClient, record_id: int) -> int:
    """Post the edit form of a record; the status."""
    html = client.get(f"/jp/records/{record_id}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token
    return client.post(
        f"/jp/records/{record_id}/edit", data={**FIELDS, "jp": "99", "csrf_token": token.group(1)}
    ).status_code


def test_a_rejection_needs_a_reason_and_the_learner_may_correct_and_resend(
    client: FlaskClient, people: dict[str, User], login: Login, token_for: Tokens
) -> None:
    login(client, people["ani"])
    submit(client, PNG, "foto.png")
    record = db.session.scalar(select(ExternalRecord))
    assert record is not None and record.evidence_type == "image/png"
    koord = token_for(people["koord"])
    assert client.post(f"/api/v1/learning-records/{record.id}/reject", headers=koord, json={}).status_code == 422
    rejected = client.post(
        f"/api/v1/learning-records/{record.id}/reject", headers=koord, json={"reason": "Bukti buram"}
    )
    assert rejected.get_json()["status"] == "rejected"
    assert "Bukti buram" in client.get("/jp").get_data(as_text=True)
    assert submit_edit(client, record.id) == 302
    db.session.expire_all()
    again = db.session.get(ExternalRecord, record.id)
    assert again is not None and (again.status, again.jp, again.decision_reason) == ("pending", 99, None)


def test_the_api_takes_a_record_as_a_multipart_form(
    client: FlaskClient, people: dict[str, User], token_for: Tokens
) -> None:
    ani = token_for(people["ani"])
    form = {**FIELDS, "evidence": (io.BytesIO(PDF), "bukti.pdf")}
    created = client.post("/api/v1/me/learning-records", headers=ani, data=form, content_type="multipart/form-data")
    assert created.status_code == 201 and created.get_json()["status"] == "pending"
    bad = {**FIELDS, "ended_on": "2026-03-01", "evidence": (io.BytesIO(EXE), "x.pdf")}
    refused = client.post("/api/v1/me/learning-records", headers=ani, data=bad, content_type="multipart/form-data")
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) >= {"ended_on"}
    assert len(client.get("/api/v1/me/learning-records", headers=ani).get_json()["items"]) == 1


def test_siasn_export_has_one_row_per_course_and_approved_record(
    app: Flask,
    client: FlaskClient,
    people: dict[str, User],
    login: Login,
    token_for: Tokens,
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    course_with_jp(tmp_path, "CRT-1", 6)
    load_content(app, tmp_path)
    ani = people["ani"]
    from tests.certificates.flows import complete

    complete(client, token_for(ani), "CRT-1")
    login(client, ani)
    submit(client, PDF)
    record = db.session.scalar(select(ExternalRecord))
    assert record is not None
    koord = token_for(people["koord"])
    client.post(f"/api/v1/learning-records/{record.id}/approve", headers=koord)
    submit(client, PDF, title="=cmd|' /C calc'!A0")  # pending: not exported
    answer = client.get("/api/v1/reports/siasn?year=2026", headers=koord)
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["nip"], r["nama_kursus"], r["jenis_kursus"], r["jumlah_jp"]) for r in rows] == [
        (ani.nip, FIELDS["title"], "seminar", "8"),  # in the order they were earned
        (ani.nip, "Kursus CRT-1", "e-learning", "6"),
    ]
    assert rows[1]["nomor_sertifikat"].startswith("CRT-1/2026/") and rows[0]["nomor_sertifikat"] == ""
    assert (rows[0]["tanggal_mulai"], rows[0]["tanggal_selesai"], rows[0]["institusi_penyelenggara"]) == (
        "2026-03-02", "2026-03-03", "BKN",
    )  # fmt: skip
    board = client.get("/api/v1/reports/dashboard?year=2026", headers=koord).get_json()
    assert {u["unit"]: (u["people"], u["met"]) for u in board["units"]}[DINKES] == (1, 0)
    assert dict((b["jp"], b["people"]) for b in board["distribution"])["10-14"] == 1
    login(client, people["koord"])
    page = client.get("/reports?year=2026").get_data(as_text=True)
    assert "<svg" in page and "<script" not in page
