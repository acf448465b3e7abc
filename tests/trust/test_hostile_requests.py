"""The hostile corpus, part two: what people send. Paths that climb out of a course's media, symlinks
and traversal in course folders and ZIPs, evidence and CSV files of the wrong type or size, hostile JSON
sent to every API route that reads a body, and ids and page numbers that are huge, negative or not
numbers on every route that takes one. Each is refused with a clear 4xx (or answered as usual, inert),
never a 500, and nothing is written.

Several have their own deeper tests (tests/security, tests/publishing, tests/reports); this sweep sends
each kind once to every place it can reach, on the shared trust world.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import hypothesis
import pytest
from hypothesis import strategies as st
from sqlalchemy import func, select

from elearn.core.http import MAX_ID, DatabaseIdConverter
from elearn.extensions import db
from elearn.publishing.models import CourseUpload
from elearn.reports.models import ExternalRecord
from tests.content.test_upload import HOSTILE
from tests.coursetree import build_course
from tests.publishing.helpers import multipart
from tests.trust.access_table import TABLE, UNSAFE
from tests.trust.hostile import call_api, client_of, get, post_form
from tests.trust.matrix import body_of, routes
from tests.trust.world import World

MEDIA_CLIMBS = [
    "../../../../etc/passwd",
    "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/config.py",
    "..\\..\\..\\config.py",
    "....//....//etc/passwd",
    "gambar.svg/../../../../wsgi.py",
    "/etc/passwd",
    "%252e%252e%252fconfig.py",
    "gambar.svg%00.png",
    "media/../../tst-2/media/gambar.svg",
]


@pytest.mark.parametrize("path", MEDIA_CLIMBS)
def test_a_media_path_that_climbs_out_of_the_course_is_refused(world: World, path: str) -> None:
    response = get(world, "learner", f"/media/TST-1/{path}")
    if response.status_code == 308:  # werkzeug merges repeated slashes; the merged path must be refused too
        location = urlsplit(response.location).path
        assert location.startswith("/media/TST-1/"), location
        response = get(world, "learner", location)
    assert response.status_code in (400, 404), response.status_code
    body = response.get_data()
    assert b"root:" not in body and b"SECRET" not in body and b"import" not in body


def test_a_symlink_in_a_course_folder_is_refused_before_anything_is_read(world: World, tmp_path: Path) -> None:
    folder = build_course(tmp_path, "TST-L", modules=1, lessons=1, quiz=False)
    (folder / "media" / "rahasia.txt").symlink_to("/etc/passwd")
    result = world.app.test_cli_runner().invoke(args=["content", "load", str(tmp_path)])
    assert result.exit_code != 0
    assert "symlink" in result.output.lower() or "tautan" in result.output.lower(), result.output


ZIPS = {kind: HOSTILE[kind] for kind in ("symlink", "dotdot", "dotdot-inside", "absolute", "backslash")}
ZIPS["not-a-zip"] = (lambda: b"MZ\x90\x00 an executable renamed", "Berkas ini bukan ZIP yang utuh.")


@pytest.mark.parametrize("kind", ZIPS)
def test_a_hostile_course_zip_is_refused_with_its_reason_and_nothing_is_kept(world: World, kind: str) -> None:
    build, message = ZIPS[kind]
    identity = world.identities["instructor"]
    body, content_type = multipart({"csrf_token": identity.csrf}, ("file", build(), "kursus.zip"))
    before = db.session.scalar(select(func.count()).select_from(CourseUpload))
    response = client_of(world, "instructor").post("/manage/uploads", data=body, content_type=content_type)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("&#34;", '"').replace("&quot;", '"')
    assert db.session.scalar(select(func.count()).select_from(CourseUpload)) == before


EVIDENCE = {
    "html named .pdf": (b"<html><script>alert(1)</script></html>", "bukti.pdf"),
    "an executable": (b"MZ\x90\x00\x03\x00\x00\x00", "bukti.exe"),
    "an svg (script inside)": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "bukti.svg"),
    "empty": (b"", "bukti.pdf"),
    "over the size limit": (b"%PDF-1.4 " + b"0" * 2048, "bukti.pdf"),
}


@pytest.mark.parametrize("kind", EVIDENCE)
def test_evidence_of_the_wrong_type_or_size_is_refused_and_nothing_is_stored(world: World, kind: str) -> None:
    data, name = EVIDENCE[kind]
    fields = {"title": "Seminar", "method": "seminar", "competency": "teknis", "organiser": "BKN"}
    fields.update(started_on="2026-03-01", ended_on="2026-03-02", jp="4")
    before = db.session.scalar(select(func.count()).select_from(ExternalRecord))
    world.app.config["ELEARN_EVIDENCE_MAX_BYTES"] = 1024
    try:
        api = call_api(
            world,
            "learner",
            "POST",
            "/api/v1/me/learning-records",
            data={**fields, "evidence": (io.BytesIO(data), name)},
        )
        page = post_form(
            world,
            "learner",
            "/jp/records/new",
            {**fields, "evidence": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
    finally:
        world.app.config["ELEARN_EVIDENCE_MAX_BYTES"] = 5 * 1024 * 1024
    assert api.status_code == 422 and "evidence" in api.get_json()["error"].get("fields", {}), api.get_json()
    assert page.status_code in (200, 422) and "field-error" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ExternalRecord)) == before


def test_an_evidence_file_name_cannot_climb_or_change_how_it_is_served(world: World) -> None:
    fields = {"title": "Seminar", "method": "seminar", "competency": "teknis", "organiser": "BKN"}
    fields.update(started_on="2026-03-01", ended_on="2026-03-02", jp="4")
    name = '../../../etc/passwd"; filename=evil.html\r\nX-Evil: 1.pdf'
    with world.restored():
        response = call_api(
            world,
            "learner",
            "POST",
            "/api/v1/me/learning-records",
            data={**fields, "evidence": (io.BytesIO(b"%PDF-1.4 bukti"), name)},
        )
        assert response.status_code == 201, response.get_json()
        served = get(world, "coordinator", f"/jp/records/{response.get_json()['id']}/evidence")
    assert served.status_code == 200
    assert served.mimetype == "application/pdf"
    assert "X-Evil" not in served.headers
    disposition = served.headers.get("Content-Disposition", "")
    assert "/" not in disposition.split("filename", 1)[-1] and ".html" not in disposition, disposition
    assert served.headers.get("X-Content-Type-Options") == "nosniff"


USER_FILES = {
    "a spreadsheet renamed .csv": (b"PK\x03\x04\x14\x00\x06\x00binary", "pengguna.csv"),
    "an executable named .csv": (b"MZ\x90\x00\x03\x00\x00\x00\xff\xfe", "pengguna.csv"),
    "not UTF-8": ("username,nip,name,email,unit,position,role,password\nani,,Ání,,,,,\n".encode("cp1252"), "p.csv"),
    "a wrong extension": (b"username,nip\n", "pengguna.exe"),
    "a NUL in a cell": (b"username,nip,name,email,unit,position,role,password\nani\x00,,Ani,,,,,\n", "p.csv"),
    "over the size limit": (
        b"username,nip,name,email,unit,position,role,password\n" + b"x" * (11 * 1024 * 1024),
        "p.csv",
    ),
}


@pytest.mark.parametrize("kind", USER_FILES)
def test_a_users_file_of_the_wrong_type_or_size_is_refused_and_nobody_is_imported(world: World, kind: str) -> None:
    from elearn.accounts.models import User

    data, name = USER_FILES[kind]
    before = db.session.scalar(select(func.count()).select_from(User))
    # Built in memory: the test client would spool a large body to a temporary file it never closes.
    body, content_type = multipart({"csrf_token": world.identities["admin"].csrf}, ("file", data, name))
    response = client_of(world, "admin").post("/admin/users/import", data=body, content_type=content_type)
    assert response.status_code in (400, 413, 422), response.status_code
    assert db.session.scalar(select(func.count()).select_from(User)) == before


HOSTILE_JSON: dict[str, bytes] = {
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "nested objects": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "over the body limit": b'{"x": "' + b"a" * (1024 * 1024 + 10) + b'"}',
    "a million-digit number": b'{"x": ' + b"9" * 1_000_000 + b"}",
    "not JSON": b"{'single': 'quotes'}",
    "a lone surrogate": b'{"x": "\\ud800"}',
    "a list, not an object": b"[1, 2, 3]",
    "a string, not an object": b'"answers"',
    "NaN": b'{"score": NaN}',
    "huge ids inside": b'{"question_id": 99999999999999999999, "score": 1e308, "answers": {"99999999999999999999": 1}}',
    "negative ids inside": b'{"question_id": -1, "score": -1, "answers": {"-1": [-1]}}',
    "wrong types": b'{"answers": [], "question_id": "x", "score": {}, "usernames": 5, "reason": [], "key": 1}',
}


def json_operations(world: World) -> list[tuple[str, str]]:
    """(method, path filled with the world's ids) of every API operation whose document says it reads JSON."""
    document = get(world, "learner", "/api/v1/openapi.json").get_json()
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "application/json" in operation.get("requestBody", {}).get(
                "content", {}
            ):
                filled = path.format(**world.document_ids(path))
                found.append((method.upper(), filled))
    return sorted(found)


def test_hostile_json_to_every_api_route_that_reads_a_body_is_a_4xx_with_the_envelope(world: World) -> None:
    failures = []
    operations = json_operations(world)
    assert len(operations) >= 10
    for method, path in operations:
        for role in ("learner", "admin"):
            for name, body in HOSTILE_JSON.items():
                response = call_api(world, role, method, path, data=body, headers={"Content-Type": "application/json"})
                answer = response.get_json(silent=True) or {}
                if not (400 <= response.status_code < 500 and "error" in answer):
                    failures.append(f"{role} {method} {path} with {name}: {response.status_code} {str(answer)[:200]}")
                if response.status_code < 400:
                    world.snapshot.restore()
    assert not failures, "\n".join(failures)


def _filled(rule: str, world: World, **values: Any) -> str:
    ids = {**world.ids, **values}
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(ids[m.group(1)]), rule)


HUGE_IDS = ["99999999999999999999", str(2**63), str(MAX_ID + 1), str(MAX_ID), "0"]


def test_huge_ids_on_every_route_that_takes_one_are_a_404(world: World) -> None:
    failures = []
    for key, rule in sorted(routes(world).items()):
        if "<int:" not in rule.rule:
            continue
        method, body = key.split()[0], body_of(TABLE[key], world)
        for value in HUGE_IDS:
            path = _filled(re.sub(r"<int:[a-z_]+>", value, rule.rule), world)
            if path.startswith("/api/"):
                response = call_api(world, "admin", method, path, json=body)
            elif method in UNSAFE:
                response = post_form(world, "admin", path, body)
            else:
                response = get(world, "admin", path)
            if response.status_code != 404:
                failures.append(f"{key} with {value}: {response.status_code}")
    assert not failures, "\n".join(failures)


@hypothesis.given(st.integers(min_value=0, max_value=10**12))
def test_the_id_pattern_matches_exactly_the_numbers_a_database_id_can_be(number: int) -> None:
    assert bool(re.fullmatch(DatabaseIdConverter.regex, str(number))) == (number <= MAX_ID)


@pytest.mark.parametrize("value", ["-1", "0", "99999999999999999999", "abc", "1e9", "1.5", "%00", ""])
def test_odd_page_numbers_and_sizes_are_clamped_or_refused(world: World, value: str) -> None:
    pages = [
        ("admin", "/admin/users?page={}"),
        ("admin", "/admin/audit?page={}"),
        ("coordinator", "/manage/certificates?page={}"),
        ("admin", "/manage/uploads?page={}"),
        ("instructor", "/manage/courses/TST-1?page={}"),
        ("coordinator", "/reports/jp?page={}&year={}"),
        ("coordinator", "/manage/jp/records?page={}"),
        ("instructor", f"/quizzes/{world.ids['quiz_id']}/results?page={{}}"),
        ("learner", f"/attempts/{world.ids['attempt_id']}?q={{}}"),
    ]
    api = [
        ("instructor", "/api/v1/courses/TST-1/enrolments?page={}&per_page={}"),
        ("coordinator", "/api/v1/reports/jp?page={}&per_page={}&year={}"),
        ("learner", "/api/v1/certificates?page={}&per_page={}"),
        ("coordinator", "/api/v1/certificates/managed?page={}&per_page={}"),
        ("learner", "/api/v1/me/jp?year={}"),
    ]
    failures = []
    for role, template in pages:
        response = get(world, role, template.replace("{}", value))
        if response.status_code not in (200, 400):
            failures.append(f"{template}: {response.status_code}")
    for role, template in api:
        response = get(world, role, template.replace("{}", value))
        if (
            response.status_code not in (200, 400, 422)
            or "error" in json.dumps(response.get_json())
            and (response.status_code == 200)
        ):
            failures.append(f"{template}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_revocation_without_a_reason_is_refused_with_a_message(world: World) -> None:
    url = f"/manage/certificates/{world.ids['certificate']}/revoke"
    response = post_form(world, "coordinator", url, {"reason": ""}, headers={"Referer": "/manage/certificates"})
    assert response.status_code == 302
    assert get(world, "coordinator", f"/api/v1/certificates/{world.ids['certificate']}").get_json()["revoked"] is False
