"""A quiz on a phone over a weak connection: answers autosave, are kept in the browser while offline
(also across a reload), and are sent when the connection returns; a deadline that passes while
offline counts what was saved before it, and the page says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from elearn.accounts.models import User
from elearn.core import time as clock
from elearn.extensions import db
from elearn.quizzes.loading import attempt_questions
from elearn.quizzes.models import Attempt
from tests.browser.test_phone_journey import assert_fits_phone, gzip_weight, sign_in
from tests.quizzes.world import ALL_TYPES, QuizWorld, build_quiz_world

PAGE_BUDGET = 30 * 1024


@pytest.fixture
def world(app: Flask, tmp_path: Path, make_user: Callable[..., User], token_for: Callable[..., Any]) -> QuizWorld:
    return build_quiz_world(app, tmp_path, make_user, token_for)


def answer(page: Page, attempt_id: int, keys: list[str]) -> None:
    """Answer these questions right, through the page's inputs, as a learner would."""
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    for question in attempt_questions(attempt):
        if question.key not in keys:
            continue
        best = question.kind.best_answer(question.spec, question.layout)
        fieldset = page.locator(f"fieldset[data-question='{question.key}']")
        kind = question.spec.type
        if kind in ("single", "truefalse"):
            fieldset.locator(f"input[value='{best}']").check()
        elif kind == "multiple":
            for option in best:
                fieldset.locator(f"input[value='{option}']").check()
        elif kind == "matching":
            for left, right in best.items():
                fieldset.locator(f"select[name='a-{question.key}-{left}']").select_option(right)
        else:
            fieldset.locator("input[type=text], textarea").fill(str(best))


def start_attempt(page: Page, base: str, world: QuizWorld) -> int:
    """Press "Mulai mengerjakan" on the quiz page; the new attempt's id."""
    page.goto(f"{base}/quizzes/{world.quiz_id}")
    page.get_by_role("button", name="Mulai mengerjakan").click()
    expect(page.locator("#attempt-form")).to_be_visible()
    return int(page.url.rsplit("/", 1)[1].split("?")[0])


def show_all(page: Page, base: str, attempt_id: int) -> None:
    """All questions on one page, and wait until the service worker is active and holds a copy of it
    (polled with evaluate: wait_for_function needs eval, which the page's CSP refuses)."""
    page.goto(f"{base}/attempts/{attempt_id}?view=all")
    ready = "navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))"
    cached = "caches.match(location.href).then(r => !!r)"
    for _ in range(150):
        if page.evaluate(ready) and page.evaluate(cached):
            return
        page.wait_for_timeout(100)
    pytest.fail("the service worker never became active with a copy of the quiz page")


def open_attempt(page: Page, base: str, world: QuizWorld) -> int:
    attempt_id = start_attempt(page, base, world)
    show_all(page, base, attempt_id)
    return attempt_id


def keys_of(attempt_id: int) -> list[str]:
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    return [q.key for q in attempt_questions(attempt)]


def test_answers_given_offline_survive_a_reload_and_count_once_back_online(
    world: QuizWorld, live_server: str, phone: Page
) -> None:
    page = phone
    sign_in(page, live_server, "peserta")
    attempt_id = open_attempt(page, live_server, world)
    keys = keys_of(attempt_id)
    assert_fits_phone(page)
    total = sum(gzip_weight(page).values())
    assert total < PAGE_BUDGET, f"quiz page is {total} bytes gzipped with its script"

    answer(page, attempt_id, keys[:2])
    expect(page.locator("#saved-state")).to_contain_text("tersimpan ")
    page.context.set_offline(True)
    answer(page, attempt_id, keys[2:])
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#saved-state")).to_have_text("tersimpan di perangkat")

    page.reload()  # offline: the service worker's copy, then the answers kept in the browser
    expect(page.locator("#attempt-form")).to_be_visible()
    expect(page.locator("#offline-banner")).to_be_visible()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#saved-state")).to_contain_text("tersimpan ", timeout=10_000)
    expect(page.locator("#offline-banner")).to_be_hidden()
    page.get_by_role("button", name="Selesai dan kumpulkan").click()
    page.get_by_role("button", name="Ya, kumpulkan").click()
    expect(page.get_by_role("heading", name="Hasil percobaan ke-1")).to_be_visible()
    expect(page.locator("dl.facts strong")).to_have_text("100")
    assert_fits_phone(page)


@pytest.fixture
def shifted_clock() -> Iterator[Callable[[float], None]]:
    """The server's clock runs in real time, shifted by a number of seconds the test sets."""
    shift = [0.0]
    clock.set_clock(lambda: dt.datetime.now(dt.UTC) + dt.timedelta(seconds=shift[0]))

    def set_shift(seconds: float) -> None:
        shift[0] = seconds

    yield set_shift
    clock.set_clock(None)


def test_a_deadline_passing_offline_counts_what_was_saved_before_it_and_says_so(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[..., Any],
    live_server: str,
    phone: Page,
    shifted_clock: Callable[[float], None],
) -> None:
    world = build_quiz_world(
        app, tmp_path, make_user, token_for, ALL_TYPES.replace("pass: 60", "pass: 60\ntime_limit: 1")
    )
    page = phone
    sign_in(page, live_server, "peserta")
    shifted_clock(-52)
    attempt_id = start_attempt(page, live_server, world)  # started 52 s "ago"
    shifted_clock(0)  # so 8 s are left
    show_all(page, live_server, attempt_id)
    keys = keys_of(attempt_id)
    answer(page, attempt_id, keys[:3])
    expect(page.locator("#saved-state")).to_contain_text("tersimpan ")
    page.context.set_offline(True)
    answer(page, attempt_id, keys[3:])
    note = page.locator("#deadline-note")
    expect(note).to_contain_text("Waktu habis saat Anda luring", timeout=20_000)
    expect(note).to_contain_text("jawaban yang belum terkirim tidak dapat dihitung")
    shifted_clock(40)  # the connection returns after the deadline's grace
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(note).to_contain_text("Percobaan ini sudah ditutup", timeout=10_000)
    note.get_by_role("link", name="Lihat hasil").click()
    expect(page.get_by_role("heading", name="Hasil percobaan ke-1")).to_be_visible()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    db.session.refresh(attempt)
    assert attempt.state == "finished"
    assert float(attempt.score or 0) == 3.0  # the three saved before the deadline
