"""Every request says 503 when the database does not answer (``/healthz`` too); the same app serves once it does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from elearn.extensions import db
from tests.conftest import make_test_app


def test_healthz_is_503_when_the_database_is_unreachable() -> None:
    app = make_test_app("postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"
    assert response.get_json()["database"] == "unavailable"


def test_a_database_that_cannot_be_opened_is_a_503_page_and_envelope_until_it_can(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet-mounted"
    app = make_test_app(f"sqlite:///{folder / 'elearn.db'}", WTF_CSRF_ENABLED=False)
    client = app.test_client()
    credentials = {"username": "siapa", "password": "salah-sekali-123"}

    api = client.post("/api/v1/auth/token", json=credentials)
    page = client.post("/login", data=credentials)

    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "database_unavailable"
    assert page.status_code == 503 and "Basis data sedang tidak dapat dihubungi" in page.get_data(as_text=True)
    folder.mkdir()
    with app.app_context():
        db.create_all()
    assert client.post("/api/v1/auth/token", json=credentials).status_code == 401  # the same app, recovered
    assert client.post("/login", data=credentials).status_code == 401
    with app.app_context():
        db.engine.dispose()


def test_a_database_error_that_is_a_bug_stays_a_500() -> None:
    app = make_test_app("sqlite://")
    failure = IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))
    with app.test_request_context("/api/v1/me"), pytest.raises(IntegrityError):
        app.handle_user_exception(failure)
