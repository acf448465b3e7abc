"""Hostile requests get a clear 4xx: oversized and malformed JSON, NUL bytes, header-splitting
redirects, wrong methods; callers who may never use an endpoint are refused before its body is read."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from elearn.core.http import MAX_FIELD_ERRORS
from tests.factories import PASSWORD, Scenario, csrf_from

TOKEN_URL = "/api/v1/auth/token"


def post_raw(client: FlaskClient, url: str, body: bytes | str, **kwargs: object):  # noqa: ANN201
    return client.post(url, data=body, content_type="application/json", **kwargs)


def test_a_json_body_over_the_limit_is_refused_unread(client: FlaskClient) -> None:
    response = post_raw(client, TOKEN_URL, b'{"username": "' + b"a" * (2 * 1024 * 1024) + b'"}')
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_a_body_of_many_unknown_keys_gets_a_short_answer(client: FlaskClient) -> None:
    body = json.dumps({f"k{n}": 0 for n in range(60_000)})
    assert len(body) < 1024 * 1024
    response = post_raw(client, TOKEN_URL, body)
    assert response.status_code == 422
    assert len(response.get_json()["error"]["fields"]) == MAX_FIELD_ERRORS
    assert len(response.data) < 4096


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"username": "\\ud800", "password": "x"}',
        '{"username": "siti", "password": ' + "9" * 1_000_000 + "}",
        '{"username": "si\\u0000ti", "password": "x"}',
        '{"username": "siti", "password": "x"',
        b'{"username": "\xff"}',
        '{"a": ' * 40 + "1" + "}" * 40,
    ],
    ids=["nested-brackets", "lone-surrogate", "million-digit-number", "nul", "truncated", "not-utf8", "too-deep"],
)
def test_malformed_or_hostile_json_is_a_400_with_the_envelope(client: FlaskClient, body: str | bytes) -> None:
    response = post_raw(client, TOKEN_URL, body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["message"].startswith("Invalid JSON body")


def test_a_learner_is_refused_bulk_enrolment_before_the_body_is_parsed(
    scenario: Scenario, client: FlaskClient, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["learner_enrolled"])
    # Broken JSON: parsing first would answer 400; the role check comes first and answers 403.
    response = post_raw(client, "/api/v1/courses/TST-1/enrolments", "{not json", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/courses?q=lit%00erasi",
        "/api/v1/courses/TST%00-1",
        "/api/v1/courses/TST-1/enrolments?status=act%00ive",
        "/media/TST-1/gam%00bar.svg",
        "/?q=a%00b",
        "/courses/TST%001",
    ],
)
def test_a_nul_byte_in_a_url_is_refused_on_every_backend(
    scenario: Scenario, client: FlaskClient, token_for: Callable[[User], dict[str, str]], url: str
) -> None:
    response = client.get(url, headers=token_for(scenario.users["admin"]))
    assert response.status_code == 400


def test_a_nul_byte_in_json_or_a_form_is_refused(
    scenario: Scenario, client: FlaskClient, token_for: Callable[[User], dict[str, str]]
) -> None:
    headers = token_for(scenario.users["coordinator"])
    bulk = client.post("/api/v1/courses/TST-1/enrolments", json={"usernames": ["pe\x00serta"]}, headers=headers)
    assert bulk.status_code == 400
    token = csrf_from(client, "/login")
    form = client.post("/login", data={"csrf_token": token, "username": "si\x00ti", "password": PASSWORD})
    assert form.status_code == 400


@pytest.mark.parametrize(
    "target", ["/x\r\nSet-Cookie: a=b", "/\\evil.example", "/\tevil", "//evil.example", "https://evil.example/"]
)
def test_a_hostile_next_sends_the_person_home(
    client: FlaskClient, make_user: Callable[..., User], target: str
) -> None:
    make_user("siti")
    token = csrf_from(client, "/login")
    data = {"csrf_token": token, "username": "siti", "password": PASSWORD, "next": target}
    response = client.post("/login", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    language = client.post("/language", data={"csrf_token": csrf_from(client, "/"), "locale": "id", "next": target})
    assert language.status_code == 302
    assert language.headers["Location"] == "/home"


def test_a_page_answering_405_says_which_methods_it_takes(client: FlaskClient) -> None:
    response = client.put("/login")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.mimetype == "text/html"


def test_an_api_401_names_the_bearer_scheme(client: FlaskClient, app: Flask) -> None:
    for response in (client.get("/api/v1/me"), client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
