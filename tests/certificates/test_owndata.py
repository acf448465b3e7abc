"""A person's data export lists their certificates, JP ledger and reported outside learning."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from tests.factories import load_content

from .flows import course_with_jp, learner_completes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_export_holds_certificates_jp_entries_and_outside_records(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], token_for: Callable[[User], dict[str, str]],
    tmp_path: Path,
) -> None:  # fmt: skip
    course_with_jp(tmp_path, "OWN-1", 6)
    load_content(app, tmp_path)
    person, headers, progress = learner_completes(client, make_user, token_for, "OWN-1", username="rina")
    record = client.post(
        "/api/v1/me/learning-records",
        headers=headers,
        data={
            "title": "Diklat Kepemimpinan",
            "method": "seminar",
            "competency": "manajerial",
            "organiser": "LAN",
            "started_on": "2026-03-02",
            "ended_on": "2026-03-04",
            "jp": "16",
            "evidence": (io.BytesIO(PDF), "sertifikat.pdf"),
        },  # fmt: skip
        content_type="multipart/form-data",
    )
    assert record.status_code == 201, record.get_json()
    other, other_headers, _ = learner_completes(client, make_user, token_for, "OWN-1", username="budi")

    sections = client.get("/api/v1/me/export", headers=headers).get_json()["sections"]

    [certificate] = sections["certificates"]
    assert certificate["code"] == progress["certificate"] and certificate["course"] == "OWN-1"
    assert certificate["jp"] == 6 and certificate["revoked_at"] is None and certificate["nip"] == person.nip
    [entry] = sections["jp_ledger"]
    assert (entry["source"], entry["jp"], entry["title"]) == ("course", 6, certificate["course_title"])
    [outside] = sections["external_records"]
    assert (outside["title"], outside["jp"], outside["status"]) == ("Diklat Kepemimpinan", 16, "pending")
    assert outside["evidence"] == {"name": "sertifikat.pdf", "type": "application/pdf", "size": len(PDF)}
    text = client.get("/api/v1/me/export", headers=headers).get_data(as_text=True)
    assert "%PDF" not in text and "budi" not in text  # no file bytes, nobody else's rows
    assert len(client.get("/api/v1/me/export", headers=other_headers).get_json()["sections"]["certificates"]) == 1
