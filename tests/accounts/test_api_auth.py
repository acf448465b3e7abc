"""Tokens, the caller's account, password change, sign-in lockout (API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from tests.factories import PASSWORD


def get_token(client: FlaskClient, username: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["token"])


def test_token_is_issued_for_good_credentials(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("siti", unit="Pemerintah Kota Sorong/Dinas Kesehatan")
    response = client.post("/api/v1/auth/token", json={"username": "Siti", "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["token"]) >= 22  # 128+ random bits, URL-safe
    assert body["expires_at"].endswith("+00:00")
    assert body["must_change_password"] is False
    assert body["user"]["username"] == "siti"
    assert body["user"]["unit"] == "Pemerintah Kota Sorong/Dinas Kesehatan"
    assert body["user"]["roles"] == ["learner"]


def test_token_lifecycle_issued_used_revoked(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("siti")
    token = get_token(client, "siti")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_an_expired_token_is_refused(
    client: FlaskClient, make_user: Callable[..., User], clock: Callable[[dt.datetime], None]
) -> None:
    make_user("siti")
    token = get_token(client, "siti")
    clock(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC) + dt.timedelta(days=31))
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nonsense", "Basic abc"])
def test_missing_or_bad_token_is_401_unauthenticated(client: FlaskClient, header: str) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.get_json() == {
        "error": {"code": "unauthenticated", "message": response.get_json()["error"]["message"]}
    }


def test_wrong_password_is_401_invalid_credentials(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("siti")
    response = client.post("/api/v1/auth/token", json={"username": "siti", "password": "salah-sekali-123"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_missing_fields_are_422_with_fields(client: FlaskClient) -> None:
    response = client.post("/api/v1/auth/token", json={"username": "siti"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert "password" in error["fields"]


def test_ten_failures_lock_the_username_even_with_the_right_password(
    client: FlaskClient, make_user: Callable[..., User], clock: Callable[[dt.datetime], None]
) -> None:
    make_user("siti")
    make_user("budi")
    start = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    clock(start)
    for _ in range(10):
        response = client.post("/api/v1/auth/token", json={"username": "siti", "password": "salah-sekali-123"})
        assert response.status_code == 401
    response = client.post("/api/v1/auth/token", json={"username": "siti", "password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_attempts"
    # Another username is not affected.
    assert client.post("/api/v1/auth/token", json={"username": "budi", "password": PASSWORD}).status_code == 200
    # After 15 minutes the lock lifts.
    clock(start + dt.timedelta(minutes=15, seconds=1))
    assert client.post("/api/v1/auth/token", json={"username": "siti", "password": PASSWORD}).status_code == 200


def test_a_one_time_password_forces_a_change_before_other_calls(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("siti", must_change_password=True)
    response = client.post("/api/v1/auth/token", json={"username": "siti", "password": PASSWORD})
    assert response.get_json()["must_change_password"] is True
    headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    refused = client.get("/api/v1/courses", headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "password_change_required"
    changed = client.post(
        "/api/v1/me/password", headers=headers, json={"current": PASSWORD, "new": "Pelayanan-Prima-2026"}
    )
    assert changed.status_code == 204
    # The token stays valid after the change.
    assert client.get("/api/v1/courses", headers=headers).status_code == 200
    assert client.get("/api/v1/me", headers=headers).get_json()["must_change_password"] is False


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [
        ("salah-sekali-123", "Pelayanan-Prima-2026", "current"),
        (PASSWORD, "pendek", "new"),
        (PASSWORD, "password123", "new"),
    ],
)
def test_password_change_refusals_are_422_with_the_field(
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    current: str,
    new: str,
    field: str,
) -> None:
    headers = token_for(make_user("siti"))
    response = client.post("/api/v1/me/password", headers=headers, json={"current": current, "new": new})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid"
    assert field in response.get_json()["error"]["fields"]


def test_unknown_api_route_is_404_not_found_envelope(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_openapi_lists_every_api_route(app: Flask, client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs"):
            continue
        parts = rule.rule.split("/")
        path = "/".join("{" + p[1:-1].split(":")[-1] + "}" if p.startswith("<") else p for p in parts)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} missing from openapi.json"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_a_password_change_ends_every_other_token_and_session(
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    login: Callable[[FlaskClient, User], None],
) -> None:
    user = make_user("siti")
    caller, other = token_for(user), token_for(user)
    browser = client.application.test_client()
    login(browser, user)
    assert browser.get("/").status_code == 200
    response = client.post(
        "/api/v1/me/password", headers=caller, json={"current": PASSWORD, "new": "Pelayanan-Prima-2026"}
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=caller).status_code == 200
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert browser.get("/").status_code == 302  # signed out


def test_openapi_documents_error_responses_health_and_an_optional_enrolment_body(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    lesson = spec["paths"]["/api/v1/lessons/{lesson_id}"]["get"]["responses"]
    for status in ("401", "403", "404"):
        assert lesson[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "locked" in lesson["403"]["description"]
    assert spec["paths"]["/api/v1/courses/{code}/enrolment"]["post"]["requestBody"]["required"] is False
    assert "503" in spec["paths"]["/healthz"]["get"]["responses"]
