"""An expired form (missing or out-of-date CSRF token) keeps what was typed and says "muat ulang"; a
form sent empty says "Wajib diisi." (tests/trust/test_indonesian_everywhere.py walks every form)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.trust.test_indonesian_everywhere import ENGLISH, visible_text


def test_an_expired_form_keeps_what_was_typed_and_says_reload(app: Flask, client: FlaskClient) -> None:
    origin = {"Origin": "http://localhost"}
    response = client.post("/login", data={"username": "siti.aminah", "password": "rahasia"}, headers=origin)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Muat ulang halaman" in page
    assert 'value="siti.aminah"' in page  # what was typed
    assert "rahasia" not in page  # never a password
    assert 'name="csrf_token"' in page  # a fresh token: sending again works
    # from another site: only the message, nothing filled in
    elsewhere = client.post("/login", data={"username": "siti.aminah"}, headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 400
    assert "siti.aminah" not in elsewhere.get_data(as_text=True)
    assert "Muat ulang halaman" in elsewhere.get_data(as_text=True)


def test_a_form_sent_empty_says_wajib_diisi(app: Flask, client: FlaskClient) -> None:
    from tests.factories import csrf_from

    token = csrf_from(client, "/login")
    page = client.post("/login", data={"csrf_token": token}).get_data(as_text=True)
    assert "Wajib diisi." in page
    assert english_in_text(page) == []


def english_in_text(page: str) -> list[str]:
    return ENGLISH.findall(visible_text(page))
