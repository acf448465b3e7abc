"""Certificates issued on completion: once, frozen, numbered, with a stored PDF that reads back."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.reports.models import JpEntry
from tests.factories import load_content

from .flows import complete, course_with_jp, learner_completes, pdf_text, qr_texts

Tokens = Callable[[User], dict[str, str]]


def _courses(app: Flask, tmp_path: Path, **keys: str) -> None:
    course_with_jp(tmp_path, "CRT-1", 12, lessons=2, **keys)
    course_with_jp(tmp_path, "NOC-1", 4, certificate="false")
    load_content(app, tmp_path)


def test_completing_a_course_issues_one_certificate_whose_pdf_reads_back_every_field(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], token_for: Tokens, tmp_path: Path
) -> None:
    _courses(app, tmp_path)
    person, headers, progress = learner_completes(
        client, make_user, token_for, "CRT-1", username="agus", name="Agus Siregar", position="Analis Kepegawaian"
    )
    code = progress["certificate"]
    assert isinstance(code, str) and re.fullmatch(r"[0-9A-Z]{20}", code)
    body = client.get(f"/api/v1/certificates/{code}", headers=headers).get_json()
    assert body["number"].startswith("CRT-1/") and body["number"].endswith("/000001")
    assert (body["username"], body["name"], body["nip"], body["course"], body["jp"]) == (
        "agus", "Agus Siregar", person.nip, "CRT-1", 12,
    )  # fmt: skip
    assert body["verify_url"] == f"http://127.0.0.1:5000/verify/{code}"
    assert body["revoked"] is False and body["signed"] is False
    pdf = client.get(f"/api/v1/certificates/{code}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    for expected in (
        "SERTIFIKAT", "Agus Siregar", f"NIP {person.nip}", "Analis Kepegawaian", "Dinas Kesehatan",
        "Kursus CRT-1", "12 JP", body["number"], "Dr. Siti Rahmawati", "Badan Kepegawaian",
    ):  # fmt: skip
        assert expected in text, expected
    assert qr_texts(pdf.data) == [body["verify_url"]]
    # Viewing the lessons again completes nothing twice.
    complete(client, headers, "CRT-1")
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert db.session.scalar(select(func.count()).select_from(JpEntry)) == 1


def test_the_certificate_keeps_what_it_said_after_the_person_and_the_course_change(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], token_for: Tokens, tmp_path: Path
) -> None:
    _courses(app, tmp_path)
    person, headers, progress = learner_completes(client, make_user, token_for, "CRT-1", name="Nama Lama")
    code = progress["certificate"]
    before = client.get(f"/api/v1/certificates/{code}/pdf", headers=headers).data
    person.name = "Nama Baru"
    db.session.commit()
    course_with_jp(tmp_path, "CRT-1", 40, lessons=2)  # a reload changes the course's JP
    load_content(app, tmp_path)
    assert client.get(f"/api/v1/certificates/{code}/pdf", headers=headers).data == before
    body = client.get(f"/api/v1/certificates/{code}", headers=headers).get_json()
    assert (body["name"], body["jp"]) == ("Nama Lama", 12)
    assert client.get("/api/v1/me/jp", headers=headers).get_json()["jp"] == 12


def test_a_course_without_certificate_still_earns_its_jp(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], token_for: Tokens, tmp_path: Path
) -> None:
    _courses(app, tmp_path)
    _person, headers, progress = learner_completes(client, make_user, token_for, "NOC-1")
    assert progress["certificate"] is None
    assert client.get("/api/v1/certificates", headers=headers).get_json()["items"] == []
    mine = client.get("/api/v1/me/jp", headers=headers).get_json()
    assert mine["jp"] == 4 and [e["title"] for e in mine["entries"]] == ["Kursus NOC-1"]


def test_numbers_count_up_per_course_and_year(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], token_for: Tokens, tmp_path: Path
) -> None:
    _courses(app, tmp_path)
    numbers = []
    for _ in range(3):
        _person, headers, progress = learner_completes(client, make_user, token_for, "CRT-1")
        body = client.get(f"/api/v1/certificates/{progress['certificate']}", headers=headers).get_json()
        numbers.append(body["number"])
    assert [n.rsplit("/", 1)[1] for n in numbers] == ["000001", "000002", "000003"]


def test_the_sweep_issues_certificates_and_ledger_entries_that_are_due(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], token_for: Tokens, tmp_path: Path
) -> None:
    _courses(app, tmp_path)
    learner_completes(client, make_user, token_for, "CRT-1")
    # As if the completion came before certificates and the ledger existed.
    db.session.execute(Certificate.__table__.delete())
    db.session.execute(JpEntry.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["certificates", "sweep"])
    assert result.exit_code == 0, result.output
    assert "1 certificate(s) issued" in result.output
    assert "1 missing JP ledger entr(y/ies) written" in result.output
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    again = app.test_cli_runner().invoke(args=["certificates", "sweep"])
    assert "0 certificate(s) issued" in again.output
