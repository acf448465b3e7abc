"""A learner on a cheap phone: sign in, enrol with a key, read a sequential course to the end."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from tests.coursetree import build_course
from tests.factories import PASSWORD, load_content

KEY_ENV = "ELEARN_KEY_BROWSER"
RIGHT_KEY = "kunci-benar"
COURSE = "KUNCI-1"
PHONE_WIDTH = 390  # the ``phone`` fixture's viewport
LESSON_BUDGET = 30 * 1024  # gzip bytes: HTML + CSS + JS of one lesson page


@pytest.fixture
def key_course(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """KUNCI-1: key enrolment, sequential, 2 modules × 2 lessons, no quiz."""
    monkeypatch.setenv(KEY_ENV, RIGHT_KEY)
    build_course(tmp_path, COURSE, enrolment="key", enrolment_key_env=KEY_ENV, modules=2, lessons=2, quiz=False)
    load_content(app, tmp_path)
    return tmp_path


@pytest.fixture
def siti(make_user: Callable[..., User]) -> User:
    """A learner of the Sorong health office."""
    return make_user("siti", unit="Pemerintah Kota Sorong/Dinas Kesehatan")


def assert_fits_phone(page: Page) -> None:
    """No horizontal scrolling: the page is no wider than the phone's screen.

    On a mobile viewport chromium zooms a too-wide page out, widening
    ``window.innerWidth`` to the content; so the screen width is checked too.
    """
    scroll_width, inner_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= inner_width + 1, f"{page.url}: {scroll_width}px of content in a {inner_width}px screen"
    assert inner_width == client_width == PHONE_WIDTH, (
        f"{page.url}: zoomed out to {inner_width}px (layout {client_width}px, content {scroll_width}px): "
        f"something is wider than the {PHONE_WIDTH}px phone"
    )


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in through the login form; lands on the home page, which leads to the catalogue."""
    page.goto(f"{base}/login")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert_fits_phone(page)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(f"{base}/home")
    assert_fits_phone(page)
    page.get_by_role("link", name="Lihat katalog").click()
    expect(page.get_by_role("heading", name="Katalog kursus")).to_be_visible()
    assert page.url == f"{base}/"


def module(page: Page, number: int) -> Locator:
    """The outline entry of module ``number`` on the course page."""
    return page.locator("ol.outline > li.module").nth(number - 1)


def read_lesson(page: Page, title: str) -> None:
    """Check the lesson page shown is ``title``, fits the phone and runs no script."""
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    assert_fits_phone(page)
    assert page.evaluate("document.scripts.length") == 0, f"{page.url} loads JavaScript"


def gzip_weight(page: Page) -> dict[str, int]:
    """Gzip-compressed bytes of the page's HTML, stylesheets and scripts, fetched with its cookies."""
    urls = [
        page.url,
        *page.eval_on_selector_all("link[rel~=stylesheet][href], script[src]", "els => els.map(e => e.href || e.src)"),
    ]
    weights = {}
    for url in urls:
        response = page.context.request.get(url)
        assert response.ok, f"{url}: HTTP {response.status}"
        weights[url] = len(gzip.compress(response.body(), compresslevel=6))
        response.dispose()
    return weights


def test_a_learner_on_a_phone_enrols_with_a_key_and_reads_the_course_to_the_end(
    app: Flask, key_course: Path, siti: User, live_server: str, phone: Page
) -> None:
    page = phone
    sign_in(page, live_server, "siti")

    # The catalogue card leads to the course, which asks for the key.
    page.get_by_role("link", name=f"Kursus {COURSE}", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=f"Kursus {COURSE}")).to_be_visible()
    assert_fits_phone(page)
    key_field = page.get_by_label("Kunci pendaftaran")
    expect(key_field).to_be_visible()

    # A wrong key: an error, and still not enrolled.
    key_field.fill("kunci-salah")
    page.get_by_role("button", name="Daftar kursus").click()
    expect(page.get_by_role("alert")).to_have_text("Kunci pendaftaran salah.")
    expect(page.get_by_label("Kunci pendaftaran")).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
    assert_fits_phone(page)

    # The right key: enrolled, nothing done yet.
    page.get_by_label("Kunci pendaftaran").fill(RIGHT_KEY)
    page.get_by_role("button", name="Daftar kursus").click()
    expect(page.locator(".flash-success")).to_contain_text("Anda terdaftar di kursus ini")
    expect(page.get_by_label("Kunci pendaftaran")).to_have_count(0)
    expect(page.locator("progress.progress")).to_be_visible()
    expect(page.locator("progress.progress")).to_have_attribute("value", "0")
    expect(page.locator(".progress-label")).to_have_text("0% selesai")
    assert_fits_phone(page)

    # Sequential: module 2 is locked until module 1 is done, and says which module to finish.
    expect(module(page, 1).locator(".badge-lock")).to_have_count(0)
    expect(module(page, 2).locator(".badge-lock")).to_have_text("Terkunci")
    blocker = module(page, 2).locator(".locked-note a")
    expect(blocker).to_have_text("Modul 1")
    assert blocker.get_attribute("href") == "#" + (module(page, 1).get_attribute("id") or "")
    expect(module(page, 2).locator(".items a")).to_have_count(0)  # its lessons are not links yet

    # Module 1, lesson by lesson through the pager.
    module(page, 1).get_by_role("link", name="Pelajaran 1.1", exact=True).click()
    read_lesson(page, "Pelajaran 1.1")
    next_link = page.locator("nav.pager a[rel=next]")
    expect(next_link).to_contain_text("Pelajaran 1.2")
    next_link.click()
    read_lesson(page, "Pelajaran 1.2")

    # Back to the course: module 1 done, module 2 open.
    page.locator("nav.breadcrumb").get_by_role("link", name=f"Kursus {COURSE}").click()
    expect(page.get_by_role("heading", level=1, name=f"Kursus {COURSE}")).to_be_visible()
    assert_fits_phone(page)
    expect(module(page, 1).locator(".badge-ok")).to_have_text("Selesai")
    expect(module(page, 2).locator(".badge-lock")).to_have_count(0)
    expect(module(page, 2).locator(".locked-note")).to_have_count(0)
    expect(page.locator(".progress-label")).to_have_text("50% selesai")

    # Module 2, then back to the course from the last lesson.
    module(page, 2).get_by_role("link", name="Pelajaran 2.1", exact=True).click()
    read_lesson(page, "Pelajaran 2.1")
    page.locator("nav.pager a[rel=next]").click()
    read_lesson(page, "Pelajaran 2.2")
    expect(page.locator("nav.pager a[rel=next]")).to_have_count(0)
    page.locator("nav.pager").get_by_role("link", name="Kembali ke kursus").click()

    expect(page.get_by_role("heading", level=1, name=f"Kursus {COURSE}")).to_be_visible()
    expect(page.locator("progress.progress")).to_have_attribute("value", "100")
    expect(page.locator(".progress-label")).to_have_text("100% selesai")
    expect(page.locator(".badge-ok", has_text="Kursus selesai")).to_be_visible()
    assert_fits_phone(page)

    enrolment = db.session.scalar(
        select(Enrolment).join(Course).where(Enrolment.user_id == siti.id, Course.code == COURSE)
    )
    assert enrolment is not None and enrolment.status == "active" and enrolment.completed_at is not None


def test_a_lesson_page_weighs_under_30_kb_gzipped_and_needs_no_javascript(
    app: Flask, key_course: Path, siti: User, live_server: str, phone: Page
) -> None:
    course = db.session.scalar(select(Course).where(Course.code == COURSE))
    assert course is not None
    db.session.add(Enrolment(user_id=siti.id, course_id=course.id, status="active"))
    db.session.commit()
    page = phone
    sign_in(page, live_server, "siti")
    page.goto(f"{live_server}/courses/{COURSE}")
    module(page, 1).get_by_role("link", name="Pelajaran 1.1", exact=True).click()
    read_lesson(page, "Pelajaran 1.1")

    weights = gzip_weight(page)
    assert any("/static/css/" in url for url in weights), f"no stylesheet found: {weights}"
    total = sum(weights.values())
    assert total < LESSON_BUDGET, f"lesson page is {total} bytes gzipped (budget {LESSON_BUDGET}): {weights}"
