"""Verification, revocation, coordinator issuing, lists and ZIP downloads, signing at issue."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.catalogue.models import Course
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from tests.factories import DINKES, MANOKWARI, SORONG, load_content

from .flows import course_with_jp, learner_completes, pdf_text

Tokens = Callable[[User], dict[str, str]]


@pytest.fixture
def world(app: Flask, client: FlaskClient, make_user: Callable[..., User], token_for: Tokens, tmp_path: Path) -> dict:
    """CRT-1 completed by ``ani`` (Dinkes) and ``budi`` (Manokwari); coordinators of both, an admin."""
    course_with_jp(tmp_path, "CRT-1", 10)
    load_content(app, tmp_path)
    ani, ani_headers, ani_progress = learner_completes(
        client, make_user, token_for, "CRT-1", username="ani", unit=DINKES
    )
    _budi, _h, budi_progress = learner_completes(
        client, make_user, token_for, "CRT-1", username="budi", unit=MANOKWARI
    )
    people = {
        "coordinator": make_user("koord", role="coordinator", unit=SORONG),
        "coordinator_other": make_user("koord2", role="coordinator", unit=MANOKWARI.split("/")[0]),
        "admin": make_user("root", role="admin", unit=None),
        "stranger": make_user("tamu", unit=DINKES),
    }
    return {
        "ani": ani,
        "ani_headers": ani_headers,
        "ani_code": ani_progress["certificate"],
        "budi_code": budi_progress["certificate"],
        "headers": {role: token_for(user) for role, user in people.items()},
        "people": people,
    }


def test_the_public_verification_says_valid_then_revoked_at_once(client: FlaskClient, world: dict) -> None:
    code = world["ani_code"]
    answer = client.get(f"/api/v1/verify/{code}")
    assert answer.status_code == 200
    body = answer.get_json()
    nip = world["ani"].nip
    assert body["valid"] is True and body["revoked"] is False
    assert body["nip_masked"] == nip[:4] + "*" * 12 + nip[-2:]
    assert body["name"] == "Ani" and body["course_title"] == "Kursus CRT-1" and body["jp"] == 10
    page = client.get(f"/verify/{code.lower()}")  # typed in lower case from paper
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="id"' in html and "SAH" in html and nip not in html and body["nip_masked"] in html
    coordinator = world["headers"]["coordinator"]
    refused = client.post(f"/api/v1/certificates/{code}/revoke", headers=coordinator, json={"reason": "  "})
    assert refused.status_code == 422 and "reason" in refused.get_json()["error"]["fields"]
    missing = client.post(f"/api/v1/certificates/{code}/revoke", headers=coordinator, json={})
    assert missing.status_code == 422
    revoked = client.post(f"/api/v1/certificates/{code}/revoke", headers=coordinator, json={"reason": "Data keliru"})
    assert revoked.status_code == 200
    assert revoked.get_json()["revoked"] is True and revoked.get_json()["revoked_reason"] == "Data keliru"
    after = client.get(f"/api/v1/verify/{code}").get_json()
    assert after["valid"] is False and after["revoked"] is True and after["revoked_reason"] == "Data keliru"
    assert "TIDAK BERLAKU" in client.get(f"/verify/{code}").get_data(as_text=True)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "certificate.revoke")).all()
    assert [(e.actor_username, e.details["reason"]) for e in entries] == [("koord", "Data keliru")]


def test_an_unknown_code_is_404_and_guessing_is_rate_limited(
    client: FlaskClient, world: dict, clock: Callable[[dt.datetime], None]
) -> None:
    clock(dt.datetime(2026, 12, 1, 3, 0, 1, tzinfo=dt.UTC))  # one fixed rate-limit window
    unknown = client.get("/api/v1/verify/AAAAAAAAAAAAAAAAAAAA")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    assert client.get("/verify/AAAAAAAAAAAAAAAAAAAA").status_code == 404
    statuses = [client.get(f"/api/v1/verify/{world['ani_code']}").status_code for _ in range(60)]
    assert statuses[-1] == 429 and statuses.count(429) == 2  # 60 a minute, the page and the API together
    assert client.get("/api/v1/verify/AAAAAAAAAAAAAAAAAAAA").get_json()["error"]["code"] == "too_many_attempts"
    assert client.get(f"/verify/{world['ani_code']}").status_code == 429


def test_somebody_elses_certificate_is_not_found(client: FlaskClient, world: dict) -> None:
    code = world["ani_code"]
    for role, status in (("stranger", 404), ("coordinator_other", 404), ("coordinator", 200), ("admin", 200)):
        for suffix in ("", "/pdf"):
            answer = client.get(f"/api/v1/certificates/{code}{suffix}", headers=world["headers"][role])
            assert answer.status_code == status, (role, suffix)
    assert client.get(f"/api/v1/certificates/{code}", headers=world["ani_headers"]).status_code == 200
    own = client.post(f"/api/v1/certificates/{code}/revoke", headers=world["ani_headers"], json={"reason": "x"})
    assert own.status_code == 403
    other_headers = world["headers"]["coordinator_other"]
    other = client.post(f"/api/v1/certificates/{code}/revoke", headers=other_headers, json={"reason": "x"})
    assert other.status_code == 404


def test_coordinators_list_their_units_certificates_with_filters(client: FlaskClient, world: dict) -> None:
    mine = client.get("/api/v1/certificates/managed", headers=world["headers"]["coordinator"]).get_json()
    assert [c["username"] for c in mine["items"]] == ["ani"] and mine["total"] == 1
    everyone = client.get("/api/v1/certificates/managed?per_page=1", headers=world["headers"]["admin"]).get_json()
    assert everyone["total"] == 2 and len(everyone["items"]) == 1
    outside = client.get(f"/api/v1/certificates/managed?unit={MANOKWARI}", headers=world["headers"]["coordinator"])
    assert outside.status_code == 403 and outside.get_json()["error"]["code"] == "forbidden"
    budi = client.get("/api/v1/certificates/managed?q=budi", headers=world["headers"]["admin"]).get_json()
    assert [c["username"] for c in budi["items"]] == ["budi"]
    revoked = client.get("/api/v1/certificates/managed?status=revoked", headers=world["headers"]["admin"])
    assert revoked.get_json()["total"] == 0
    assert client.get("/api/v1/certificates/managed", headers=world["ani_headers"]).status_code == 403
    assert client.get("/api/v1/certificates", headers=world["ani_headers"]).get_json()["total"] == 1


def test_the_zip_holds_exactly_the_stored_pdfs_in_scope(client: FlaskClient, world: dict) -> None:
    answer = client.get("/api/v1/certificates/managed.zip", headers=world["headers"]["coordinator"])
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    assert archive.testzip() is None
    (name,) = archive.namelist()
    stored = client.get(f"/api/v1/certificates/{world['ani_code']}/pdf", headers=world["ani_headers"]).data
    assert archive.read(name) == stored and name.startswith("sertifikat-CRT-1-")
    everything = client.get("/api/v1/certificates/managed.zip", headers=world["headers"]["admin"]).data
    assert len(zipfile.ZipFile(io.BytesIO(everything)).namelist()) == 2
    coordinator = world["headers"]["coordinator"]
    forbidden = client.get(f"/api/v1/certificates/managed.zip?unit={MANOKWARI}", headers=coordinator)
    assert forbidden.status_code == 403


def test_a_coordinator_issues_what_is_missing_and_says_why_others_were_skipped(
    app: Flask, client: FlaskClient, world: dict, make_user: Callable[..., User]
) -> None:
    course = db.session.scalar(select(Course).where(Course.code == "CRT-1"))
    assert course is not None
    late = make_user("lambat", unit=DINKES)
    waiting = make_user("belum", unit=DINKES)
    db.session.add(Enrolment(user_id=late.id, course_id=course.id, status="active", completed_at=course.created_at))
    db.session.add(Enrolment(user_id=waiting.id, course_id=course.id, status="active"))
    db.session.commit()
    names = ["nobody", "budi", "ani", "belum", "lambat", "koord"]
    coordinator = world["headers"]["coordinator"]
    answer = client.post("/api/v1/courses/CRT-1/certificates", headers=coordinator, json={"usernames": names})
    assert answer.status_code == 200
    assert answer.get_json() == {
        "issued": ["lambat"],
        "skipped": [
            {"username": "nobody", "reason": "unknown"},
            {"username": "budi", "reason": "out_of_scope"},
            {"username": "ani", "reason": "already_issued"},
            {"username": "belum", "reason": "not_completed"},
            {"username": "koord", "reason": "out_of_scope"},
        ],
    }
    again = client.post("/api/v1/courses/CRT-1/certificates", headers=world["headers"]["admin"], json={})
    assert again.get_json() == {"issued": [], "skipped": []}
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "certificate.issue")).all()
    assert [e.details["issued"] for e in entries] == [["lambat"], []]
    assert client.post("/api/v1/courses/CRT-1/certificates", headers=world["ani_headers"], json={}).status_code == 403


def test_certificates_are_signed_at_issue_when_a_pkcs12_is_configured(
    tmp_path: Path, make_user: Callable[..., User], token_for: Tokens, pki: object
) -> None:
    from elearn.certificates.models import Certificate, CertificatePdf
    from tests.certificates.conftest import PASSPHRASE, SIGNER_CN, Pki
    from tests.certificates.test_signing import validate
    from tests.conftest import make_test_app

    assert isinstance(pki, Pki)
    signed_app = make_test_app(
        f"sqlite:///{tmp_path / 'signed.db'}",
        ELEARN_CERT_SIGNING_P12=str(pki.issue_p12("issue.p12")),
        ELEARN_CERT_SIGNING_PASSPHRASE=PASSPHRASE.decode(),
    )
    with signed_app.app_context():
        db.create_all()
        course_with_jp(tmp_path / "content", "SIG-1", 8)
        load_content(signed_app, tmp_path / "content")
        user = User(username="sari", name="Sari", nip="198001012005012001", password_hash="x")
        db.session.add(user)
        db.session.commit()
        from elearn.accounts.services import issue_token

        token, _row = issue_token(user)
        db.session.commit()
        from .flows import complete

        progress = complete(signed_app.test_client(), {"Authorization": f"Bearer {token}"}, "SIG-1")
        certificate = db.session.scalar(select(Certificate).where(Certificate.code == progress["certificate"]))
        assert certificate is not None and certificate.is_signed
        pdf = db.session.get(CertificatePdf, certificate.id)
        assert pdf is not None
        status = validate(pdf.data, pki.ca_cert)
        assert status.intact and status.valid and status.trusted and status.bottom_line
        assert status.signing_cert.subject.native["common_name"] == SIGNER_CN
        assert "Sari" in pdf_text(pdf.data)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_a_signing_key_that_cannot_sign_stops_the_app_with_a_message(tmp_path: Path, pki: object) -> None:
    from config import ConfigError
    from tests.certificates.conftest import Pki
    from tests.conftest import make_test_app

    assert isinstance(pki, Pki)
    p12 = pki.issue_p12("wrong.p12")
    with pytest.raises(ConfigError, match="ELEARN_CERT_SIGNING_P12: Cannot open .* passphrase is wrong"):
        make_test_app(
            f"sqlite:///{tmp_path / 'x.db'}",
            ELEARN_CERT_SIGNING_P12=str(p12),
            ELEARN_CERT_SIGNING_PASSPHRASE="bukan-ini",
        )
    not_p12 = tmp_path / "bukan.p12"
    not_p12.write_bytes(b"MZ not a key")
    with pytest.raises(ConfigError, match="not a PKCS#12 file"):
        make_test_app(f"sqlite:///{tmp_path / 'x.db'}", ELEARN_CERT_SIGNING_P12=str(not_p12))
