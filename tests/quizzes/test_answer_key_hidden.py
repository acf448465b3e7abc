"""Nothing an attempt shows while in progress reveals its answer key: not the API payload, not the page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from tests.quizzes.world import build_quiz_world

#: Strings that exist only in the key: feedback, accepted answers, the pairing's right side marker.
KEY_MARKERS = ["UMPANBALIK-PILIHAN-BENAR", "UMPANBALIK-UMUM-PASANGAN", "KUNCISINGKAT", "kunci singkat lain"]
FORBIDDEN_FIELDS = {"weight", "weights", "correct", "right_answer", "feedback_html", "score", "answer", "key", "index"}


def _walk_keys(value: object) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            found |= _walk_keys(item)
    elif isinstance(value, list):
        for item in value:
            found |= _walk_keys(item)
    return found


def test_no_payload_or_page_of_an_attempt_in_progress_reveals_the_key(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[..., dict[str, str]],
    login: Callable[[FlaskClient, User], None],
) -> None:
    world = build_quiz_world(app, tmp_path, make_user, token_for)
    started = world.client.post(f"/api/v1/quizzes/{world.quiz_id}/attempts", headers=world.headers)
    body = started.get_json()
    page = app.test_client()
    login(page, world.learner)
    texts = {
        "start": started.get_data(as_text=True),
        "read": world.client.get(f"/api/v1/attempts/{body['id']}", headers=world.headers).get_data(as_text=True),
        "page one": page.get(f"/attempts/{body['id']}").get_data(as_text=True),
        "page all": page.get(f"/attempts/{body['id']}?view=all").get_data(as_text=True),
    }
    for where, text in texts.items():
        for marker in KEY_MARKERS:
            assert marker not in text, f"{marker} in {where}"
    assert _walk_keys(body["questions"]) & FORBIDDEN_FIELDS == set()
    for question in body["questions"]:
        for option in question.get("options", []) + question.get("left", []) + question.get("right", []):
            assert set(option) == {"id", "html"}
    # The page's inputs carry only the public ids and what the learner typed: no data-* about rightness.
    assert not re.search(r"data-(correct|right|weight|key)", texts["page all"])
