"""A lesson on a 360 px phone: a wide table scrolls inside its own box with a visible cue, a diagram
opens full size; the lessons opened and the next few of the course stay readable without signal, a
lesson read offline is recorded once the connection returns, and sign-out removes the copies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from tests.browser.forms import sign_in
from tests.browser.test_accessibility import severe_violations
from tests.coursetree import build_course, write
from tests.factories import load_content

WIDE_TABLE = (
    "| Layanan | Waktu | Biaya | Persyaratan | Dasar hukum | Unit pelaksana |\n|---|---|---|---|---|---|\n"
    "| Penerbitan KTP elektronik | 1 hari kerja | Tidak dipungut biaya | Kartu keluarga dan surat pengantar "
    "| Undang-Undang Administrasi Kependudukan | Dinas Kependudukan dan Pencatatan Sipil |\n"
)


@pytest.fixture
def small_phone(browser: Any) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="id-ID"
    )
    try:
        page = context.new_page()
        page.set_default_timeout(5_000)
        yield page
    finally:
        context.close()


@pytest.fixture
def learner(app: Flask, tmp_path: Path, make_user: Callable[..., User]) -> User:
    course = build_course(tmp_path, "OFF-1", modules=1, lessons=3, quiz=False)
    write(
        course / "01-modul-1" / "01-pelajaran-1.md",
        f"# Pelajaran 1.1\n\n{WIDE_TABLE}\n![Alur layanan](../media/gambar.svg)\n",
    )
    load_content(app, tmp_path)
    user = make_user("siti")
    course_id = db.session.scalar(select(Course.id).where(Course.code == "OFF-1"))
    db.session.add(Enrolment(user_id=user.id, course_id=course_id, status="active"))
    db.session.commit()
    return user


def lesson(key: str) -> int:
    found = db.session.scalar(select(Lesson.id).where(Lesson.key == key))
    assert found is not None
    return found


def poll(page: Page, check: Callable[[], bool], what: str) -> None:
    """Wait (polled: wait_for_function needs eval, which the CSP refuses) until ``check`` holds."""
    for _ in range(100):
        if check():
            return
        page.wait_for_timeout(100)
    pytest.fail(f"never happened: {what}")


def read(user: User, lesson_id: int) -> bool:
    db.session.rollback()  # see what the server committed
    done = select(LessonCompletion.lesson_id).where(
        LessonCompletion.user_id == user.id, LessonCompletion.lesson_id == lesson_id
    )
    return db.session.scalar(done) is not None


def test_a_lesson_read_without_signal_on_a_phone_is_recorded_when_the_signal_returns(
    learner: User, live_server: str, small_phone: Page
) -> None:
    page = small_phone
    first, second = lesson("modul-1/pelajaran-1"), lesson("modul-1/pelajaran-2")
    sign_in(page, live_server, "siti")  # the home page registers the offline reader
    kept = f"caches.open('elearn-pages-v1').then(c => c.match('/lessons/{second}')).then(r => !!r)"
    poll(page, lambda: bool(page.evaluate(kept)), "the next lesson kept for reading offline")
    assert not read(learner, second)  # kept ahead, not read

    page.goto(f"{live_server}/lessons/{first}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pelajaran 1.1")
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width == [360, 360], f"the page is wider than the phone: {width}"
    box = page.locator(".table-wrap")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth"), "the table does not scroll in its box"
    assert "radial-gradient" in box.evaluate("e => getComputedStyle(e).backgroundImage")  # the cue
    image_link = page.locator("a.image-full")
    assert image_link.get_attribute("href") == page.locator("a.image-full img").get_attribute("src")
    assert severe_violations(Axe(), page) == []
    assert read(learner, first)

    page.context.set_offline(True)
    page.goto(f"{live_server}/lessons/{second}")  # never opened before: the copy kept ahead
    expect(page.get_by_role("heading", level=1)).to_have_text("Pelajaran 1.2")
    page.goto(f"{live_server}/lessons/{first}")  # opened before: its copy
    expect(page.get_by_role("heading", level=1)).to_have_text("Pelajaran 1.1")
    assert not read(learner, second)

    page.context.set_offline(False)
    page.goto(f"{live_server}/courses/OFF-1")
    poll(page, lambda: read(learner, second), "the lesson read offline recorded")

    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("button", name="Masuk", exact=True)).to_be_visible()
    assert page.evaluate("caches.keys()") == []  # Clear-Site-Data: the copies are gone
