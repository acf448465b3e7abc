"""Course media: signed-in users only, cached by content hash."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from tests.coursetree import SVG, build_course
from tests.factories import load_content


def media_url(client: FlaskClient, headers: dict[str, str]) -> str:
    body = client.get("/api/v1/courses/MED-1", headers=headers).get_json()
    lesson = body["modules"][0]["items"][0]["id"]
    html = client.get(f"/api/v1/lessons/{lesson}", headers=headers).get_json()["html"]
    match = re.search(r'src="(/media/MED-1/gambar\.svg\?v=[0-9a-f]{12})"', html)
    assert match, html
    return match.group(1)


def test_media_is_served_to_signed_in_users_with_long_caching(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    login: Callable[[FlaskClient, User], None],
    tmp_path: Path,
) -> None:
    build_course(tmp_path, "MED-1")
    load_content(app, tmp_path)
    user = make_user("siti", role="admin")
    headers = token_for(user)
    url = media_url(client, headers)
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 401
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.data == SVG
    assert response.mimetype == "image/svg+xml"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get(url, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    login(client, user)
    assert client.get(url).status_code == 200  # the session cookie works too
    unversioned = client.get("/media/MED-1/gambar.svg")
    assert "no-cache" in unversioned.headers["Cache-Control"]
    assert client.get("/media/MED-1/tidak-ada.png").status_code == 404
