"""``/healthz`` says 503 when the database does not answer."""

from __future__ import annotations

from tests.conftest import make_test_app


def test_healthz_is_503_when_the_database_is_unreachable() -> None:
    app = make_test_app("postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"
    assert response.get_json()["database"] == "unavailable"
