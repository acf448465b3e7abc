"""Hostile and unusable uploads are refused with a clear message, before anything is unpacked, and
nothing is written; a check that runs too long or too big is stopped."""

from __future__ import annotations

import io
import random
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit.models import AuditEntry
from elearn.content.upload import UploadLimits
from elearn.extensions import db
from elearn.publishing import services
from elearn.publishing.models import CourseUpload
from elearn.publishing.sandbox import ProcessLimits
from tests.content.test_upload import HOSTILE
from tests.factories import csrf_from
from tests.publishing.helpers import demo_course, field_error, multipart, post_upload, zip_folder


def too_many_files() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(2001):
            archive.writestr(f"kursus/media/{n}.svg", b"")
    return out.getvalue()


# The kinds the issue names: bombs, path traversal, symlinks, absolute paths, files over a size limit,
# too many files (and a few more of content/upload.py's).
KINDS: dict[str, tuple[Callable[[], bytes], str]] = {
    "too-many-files": (too_many_files, "ZIP ini berisi lebih dari 2000 berkas."),
    "not-a-zip": (lambda: b"%PDF-1.7 bukan zip", "Berkas ini bukan ZIP yang utuh."),
    **{
        kind: HOSTILE[kind]
        for kind in (
            "symlink",
            "dotdot",
            "dotdot-inside",
            "absolute",
            "drive-letter",
            "ratio-bomb",
            "gib-of-zeros-declared",
            "total-too-big",
            "overlapping-entries",
            "fifo",
        )
    },
}


@pytest.fixture
def admin_client(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[FlaskClient, User], None]
) -> FlaskClient:
    login(client, make_user("admin", role="admin", unit=None))
    return client


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every temporary folder of the request is made here (so a test can see what was unpacked)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def nothing_written() -> bool:
    uploads = db.session.scalar(select(func.count()).select_from(CourseUpload))
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    return uploads == 0 and entries == 0


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_hostile_zip_is_refused_before_anything_is_unpacked_and_nothing_is_written(
    app: Flask, admin_client: FlaskClient, temp_root: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    def no_child(*args: object, **kwargs: object) -> None:
        raise AssertionError("the check child ran: the ZIP reached the unpacking step")

    monkeypatch.setattr(services, "check_in_child", no_child)
    build, expected = KINDS[kind]
    response = post_upload(admin_client, build(), "kursus.zip")
    assert response.status_code == 422
    assert expected in field_error(response.get_data(as_text=True))
    assert list(temp_root.iterdir()) == []
    assert nothing_written()


def test_a_zip_over_the_size_limit_is_refused_by_its_size(
    app: Flask, admin_client: FlaskClient, temp_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(services, "UPLOAD_LIMITS", UploadLimits(max_zip_bytes=10_000))
    response = post_upload(admin_client, zip_folder(demo_course(tmp_path)))
    assert response.status_code == 422
    assert "Berkas ZIP lebih dari" in field_error(response.get_data(as_text=True))
    assert list(temp_root.iterdir()) == [] and nothing_written()


def test_a_body_over_the_upload_limit_is_refused_unread(app: Flask, admin_client: FlaskClient) -> None:
    token = csrf_from(admin_client, "/manage/uploads")
    big = bytes(services.UPLOAD_LIMITS.max_zip_bytes + 2 * 1024 * 1024)
    body, content_type = multipart({"csrf_token": token}, ("file", big, "besar.zip"))
    response = admin_client.post("/manage/uploads", data=body, content_type=content_type)
    assert response.status_code == 413
    assert "Berkas terlalu besar." in response.get_data(as_text=True)
    assert nothing_written()


def test_a_body_between_the_site_limit_and_the_upload_limit_reaches_the_upload_check(
    app: Flask, admin_client: FlaskClient
) -> None:
    # 20 MiB is over MAX_CONTENT_LENGTH (16 MiB) but an upload may be 50 MiB: the ZIP check answers.
    response = post_upload(admin_client, bytes(20 * 1024 * 1024), "nol.zip")
    assert response.status_code == 422
    assert "bukan ZIP yang utuh" in field_error(response.get_data(as_text=True))


def test_a_file_that_is_not_named_zip_is_a_form_error(app: Flask, admin_client: FlaskClient, tmp_path: Path) -> None:
    response = post_upload(admin_client, zip_folder(demo_course(tmp_path)), "kursus.rar")
    assert response.status_code == 422
    assert "Hanya berkas .zip" in field_error(response.get_data(as_text=True))
    assert nothing_written()


def test_a_zip_without_a_course_is_refused_by_the_check(app: Flask, admin_client: FlaskClient, temp_root: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("catatan/README.txt", "bukan kursus")
    response = post_upload(admin_client, out.getvalue())
    assert response.status_code == 422
    assert "tidak berisi course.md" in field_error(response.get_data(as_text=True))
    assert list(temp_root.iterdir()) == [] and nothing_written()


def test_a_check_that_outlasts_its_time_is_stopped_and_leaves_no_folder_behind(
    app: Flask, admin_client: FlaskClient, temp_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(services, "CHECK_LIMITS", ProcessLimits(wall_seconds=0.05))
    response = post_upload(admin_client, zip_folder(demo_course(tmp_path)))
    assert response.status_code == 422
    assert "dihentikan" in field_error(response.get_data(as_text=True))
    assert list(temp_root.iterdir()) == [] and nothing_written()


def test_a_check_that_needs_too_much_memory_is_stopped(
    app: Flask, admin_client: FlaskClient, temp_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    course = demo_course(tmp_path)
    (course / "media" / "video.bin").write_bytes(random.Random(7).randbytes(24 * 1024 * 1024))
    # Python and the parser take about 80 MiB: too little room left to read a 24 MiB media file twice.
    monkeypatch.setattr(services, "CHECK_LIMITS", ProcessLimits(memory_bytes=110 * 1024 * 1024))
    response = post_upload(admin_client, zip_folder(course))
    assert response.status_code == 422
    assert "memori" in field_error(response.get_data(as_text=True))
    assert list(temp_root.iterdir()) == [] and nothing_written()


def test_a_large_body_from_someone_signed_out_is_refused_unread(app: Flask, client: FlaskClient) -> None:
    token = csrf_from(client, "/login")
    body, content_type = multipart({"csrf_token": token}, ("file", bytes(20 * 1024 * 1024), "besar.zip"))
    assert client.post("/manage/uploads", data=body, content_type=content_type).status_code == 413
