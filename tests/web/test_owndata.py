"""A learner downloads everything elearn holds about them as one JSON file, from the account page and the API;
domains add their sections to a registry."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from elearn.core import owndata
from tests.factories import Scenario

Login = Callable[[FlaskClient, User], None]


def take_quiz(app: Flask, scenario: Scenario, headers: dict[str, str]) -> None:
    client = app.test_client()
    attempt = client.post(f"/api/v1/quizzes/{scenario.quiz_id}/attempts", headers=headers).get_json()
    numeric = next(q for q in attempt["questions"] if q["type"] == "numerical")
    submitted = client.post(
        f"/api/v1/attempts/{attempt['id']}/submit", json={"answers": {str(numeric["id"]): "20"}}, headers=headers
    )
    assert submitted.status_code == 200, submitted.get_json()


def test_a_learner_downloads_their_data_from_the_account_page(
    app: Flask, scenario: Scenario, login: Login, token_for: Callable[[User], dict[str, str]]
) -> None:
    learner = scenario.users["learner_enrolled"]
    headers = token_for(learner)
    client = app.test_client()
    login(client, learner)
    client.get(f"/lessons/{scenario.first_lesson_id}")
    take_quiz(app, scenario, headers)
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/export"' in page
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="elearn-data-peserta-')
    data = json.loads(response.get_data(as_text=True))
    assert data["format"] == "elearn-personal-data" and data["username"] == "peserta"
    sections = data["sections"]
    assert list(sections) == owndata.section_names()
    assert sections["profile"]["nip"] == learner.nip and sections["profile"]["unit"] == learner.unit_path
    assert {e["course"]: e["status"] for e in sections["enrolments"]} == {"TST-1": "active", "TST-A": "pending"}
    assert sections["progress"][0]["lesson"] == "modul-1/pelajaran-1"
    [attempt] = sections["quiz_attempts"]
    assert attempt["state"] == "finished" and attempt["course"] == "TST-1"
    answered = [q for q in attempt["questions"] if q["answer"] is not None]
    assert [(q["answer"], q["score"]) for q in answered] == [("20", "1")]
    assert sections["quiz_results"][0]["attempts_used"] == 1
    assert len(sections["sign_in"]["web_sessions"]) == 1 and len(sections["sign_in"]["api_tokens"]) == 1
    text = response.get_data(as_text=True)
    assert learner.password_hash not in text and "hmac-sha256" not in text and "token_hash" not in text
    assert "weight" not in text and "Aparatur Sipil Nasional" in text  # options as shown, never the key


def test_the_api_serves_the_same_export_to_the_caller_only(
    app: Flask, scenario: Scenario, token_for: Callable[[User], dict[str, str]], make_user: Callable[..., User]
) -> None:
    client = app.test_client()
    response = client.get("/api/v1/me/export", headers=token_for(scenario.users["learner_other_unit"]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="elearn-data-jauh-')
    assert response.get_json()["sections"]["profile"]["username"] == "jauh"
    assert client.get("/api/v1/me/export").status_code == 401
    fresh = make_user("baru", must_change_password=True)
    refused = client.get("/api/v1/me/export", headers=token_for(fresh))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "password_change_required"


def test_a_domain_adds_its_section_without_touching_the_export(
    app: Flask, scenario: Scenario, token_for: Callable[[User], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(owndata, "_sections", dict(owndata._sections))

    @owndata.section("trainings", order=50)
    def trainings(user: Any) -> list[dict[str, Any]]:
        return [{"number": f"SERT-{user.username}"}]

    data = app.test_client().get("/api/v1/me/export", headers=token_for(scenario.users["learner_enrolled"]))
    sections = list(data.get_json()["sections"])
    assert sections.index("quiz_results") < sections.index("trainings") < sections.index("course_uploads")
    assert data.get_json()["sections"]["trainings"] == [{"number": "SERT-peserta"}]
    with pytest.raises(ValueError, match="two personal-data sections are named 'trainings'"):
        owndata.section("trainings")(lambda user: [])


def test_every_domain_section_is_found_by_its_module_name() -> None:
    assert set(owndata.discover_sections()) >= {
        "accounts",
        "audit",
        "certificates",
        "enrolment",
        "progress",
        "publishing",
        "quizzes",
        "reports",
    }
