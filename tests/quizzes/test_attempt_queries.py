"""Start, save and submit run a small constant number of queries, whatever the number of questions
and of earlier answers and attempts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from elearn.accounts.models import User
from tests.quizzes.world import best_answers, build_quiz_world, wrong_answers


def quiz_of(questions: int) -> str:
    body = "---\ntitle: Kuis besar\npass: 50\n---\n"
    for n in range(questions):
        kind = n % 3
        if kind == 0:
            body += f"## Soal pilihan {n}\n\n- [x] Benar {n}\n- [ ] Salah {n}\n- [ ] Keliru {n}\n\n"
        elif kind == 1:
            body += f"## Soal angka {n}\n\n= {n}\n\n"
        else:
            body += f"## Soal pasangan {n}\n\n- A{n} -> B{n}\n- C{n} -> D{n}\n\n"
    return body


def counts(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[..., dict[str, str]],
    count_queries: Callable[[], Any],
    questions: int,
    earlier: int,
) -> dict[str, int]:
    world = build_quiz_world(app, tmp_path, make_user, token_for, quiz_of(questions), code=f"QQ-{questions}")
    for _ in range(earlier):  # failed earlier attempts: the measured submit is the first pass
        body = world.start()
        world.submit(body["id"], wrong_answers(body["id"]))
    measured: dict[str, int] = {}
    with count_queries() as counter:
        body = world.start()
    measured["start"] = counter.count
    answers = best_answers(body["id"])
    keys = sorted(answers)
    world.save(body["id"], {keys[0]: answers[keys[0]]})  # the process now knows the questions
    with count_queries() as counter:
        response = world.save(body["id"], {k: answers[k] for k in keys[: len(keys) // 2]})
    assert response.status_code == 200
    measured["save"] = counter.count
    with count_queries() as counter:
        response = world.submit(body["id"], {k: answers[k] for k in keys[len(keys) // 2 :]})
    assert response.status_code == 200
    measured["submit"] = counter.count
    return measured


def test_start_save_and_submit_query_counts_are_small_and_constant(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[..., dict[str, str]],
    count_queries: Callable[[], Any],
) -> None:
    small = counts(app, tmp_path / "a", make_user, token_for, count_queries, questions=2, earlier=1)
    large = counts(app, tmp_path / "b", make_user, token_for, count_queries, questions=12, earlier=3)
    assert small == large
    print(small)  # noqa: T201 - shown with -s when tuning
    assert small["start"] <= 9
    assert small["save"] <= 4
    assert small["submit"] <= 10
