"""The app's foundation: sign-in page, headers, health."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_login_page_is_indonesian_with_csrf_and_named_fields(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert re.search(r'<input[^>]*name="password"[^>]*type="password"', html)  # never shown in clear text
    assert 'type="None"' not in html
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]+"', html)
    assert "Masuk" in html


def test_healthz_reports_database_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_pages_carry_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
