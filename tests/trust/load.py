"""A bounded load of quiz autosaves and submits by real HTTP clients, recording what was acknowledged."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.trust.harness import Client
from tests.trust.served_world import Learner

#: What a client sees when the worker holding its connection dies: the answer never comes.
CUT = (OSError, http.client.HTTPException)


@dataclass
class Record:
    """What the servers told the clients."""

    acknowledged: dict[tuple[int, str], Any] = field(default_factory=dict)
    submitted: set[int] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, what: str) -> None:
        """One more of ``what``."""
        with self.lock:
            self.counts[what] += 1


def _answer_for(question: dict[str, Any], learner: Learner, attempt: int) -> Any:
    if question["type"] == "single":
        return question["options"][0]["id"]
    return f"jawaban {learner.username} {attempt} {question['id']}"


def take_quizzes(
    client: Client,
    learners: list[Learner],
    quiz_id: int,
    record: Record,
    until: float,
    stop: threading.Event | None = None,
) -> None:
    """Until ``until`` (monotonic) or ``stop``: each learner in turn starts (or resumes) an attempt,
    autosaves each unanswered question on its own, and submits. Cut requests are counted and the
    loop goes on."""
    turn = 0
    while time.monotonic() < until and not (stop is not None and stop.is_set()):
        learner = learners[turn % len(learners)]
        turn += 1
        try:
            _one_attempt(client, learner, quiz_id, record, until)
        except CUT:
            record.count("cut")
            time.sleep(0.05)


def _one_attempt(client: Client, learner: Learner, quiz_id: int, record: Record, until: float) -> None:
    started = client.request("POST", f"/api/v1/quizzes/{quiz_id}/attempts", json_body={}, headers=learner.auth)
    record.count(f"start {started.status}")
    if started.status not in (200, 201):
        time.sleep(0.05)
        return
    body = started.json()
    attempt = int(body["id"])
    for question in body["questions"]:
        key = str(question["id"])
        if key in body["answers"] or time.monotonic() >= until:
            continue
        answer = _answer_for(question, learner, attempt)
        path = f"/api/v1/attempts/{attempt}/answers"
        try:
            saved = client.request("PUT", path, json_body={"answers": {key: answer}}, headers=learner.auth)
        except CUT:
            record.count("save cut")
            continue
        record.count(f"save {saved.status}")
        if saved.status == 200:
            with record.lock:
                record.acknowledged[(attempt, key)] = answer
    submitted = client.request("POST", f"/api/v1/attempts/{attempt}/submit", json_body={}, headers=learner.auth)
    record.count(f"submit {submitted.status}")
    if submitted.status == 200:
        with record.lock:
            record.submitted.add(attempt)
