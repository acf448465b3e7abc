"""Building course ZIPs and posting them to the upload page."""

from __future__ import annotations

import html
import io
import re
import shutil
import zipfile
from pathlib import Path

from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

from tests.factories import csrf_from

CONTENT = Path(__file__).resolve().parents[2] / "content"


def zip_folder(folder: Path, prefix: str | None = None) -> bytes:
    """``folder`` zipped as "Compress" makes it: its files under ``prefix/`` (default: the folder's name)."""
    prefix = folder.name if prefix is None else prefix
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file():
                archive.write(path, f"{prefix}/{name}" if prefix else name)
    return out.getvalue()


def demo_course(tmp_path: Path, name: str = "nilai-berakhlak") -> Path:
    """A copy of a demo course from content/ (tests may break it)."""
    target = tmp_path / name
    shutil.copytree(CONTENT / name, target)
    return target


def multipart(fields: dict[str, str], file: tuple[str, bytes, str]) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client would spool a large one to a temporary
    file it never closes); returns the body and its content type."""
    name, data, filename = file
    boundary, body = encode_multipart(
        MultiDict({**fields, name: FileStorage(io.BytesIO(data), filename=filename)}), boundary="elearn-test-boundary"
    )
    return body, f"multipart/form-data; boundary={boundary}"


def post_upload(client: FlaskClient, data: bytes, filename: str = "kursus.zip") -> TestResponse:
    """Post ``data`` to the upload page with the page's own CSRF token."""
    token = csrf_from(client, "/manage/uploads")
    body, content_type = multipart({"csrf_token": token}, ("file", data, filename))
    return client.post("/manage/uploads", data=body, content_type=content_type)


def issue_lines(page: str) -> list[str]:
    """The ``path:LINE: message`` lines an upload page shows."""
    found = re.search(r'<pre class="issue-lines"[^>]*>(.*?)</pre>', page, re.S)
    return html.unescape(found.group(1)).splitlines() if found else []


def field_error(page: str) -> str:
    """The upload field's error message."""
    found = re.search(r'<p class="field-error" id="file-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def publish(client: FlaskClient, upload_id: int) -> TestResponse:
    """Press "Publish" on an upload's preview page."""
    token = csrf_from(client, f"/manage/uploads/{upload_id}")
    return client.post(f"/manage/uploads/{upload_id}/publish", data={"csrf_token": token})
