"""Running an agency in the browser: an instructor uploads, previews and publishes a course on a desktop;
an admin resets a password and the person signs in with the one-time password and must change it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Lesson
from elearn.extensions import db
from tests.coursetree import write
from tests.factories import PASSWORD, load_content
from tests.publishing.helpers import demo_course, zip_folder

DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "id-ID"}


@pytest.fixture
def desktop(browser: Any) -> Iterator[Page]:
    """A page in a fresh office-PC-sized browser context."""
    context = browser.new_context(**DESKTOP)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
    finally:
        context.close()


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()


def test_an_instructor_uploads_previews_and_publishes_a_course_on_a_desktop(
    app: Flask, make_user: Callable[..., User], live_server: str, desktop: Page, tmp_path: Path
) -> None:
    course = demo_course(tmp_path / "asli")
    load_content(app, course)  # BA-101, taught by widyaiswara
    make_user("widyaiswara", role="instructor", unit="Pemerintah Kota Sorong/BKPSDM")
    lesson = course / "02-integritas" / "03-whistleblowing.md"
    write(lesson, "---\ntitle: Whistleblowing\nid: ba-whistleblowing\n---\nLaporkan pelanggaran lewat saluran WBS.\n")
    broken = tmp_path / "rusak"
    broken.mkdir()
    quiz = course / "03-penerapan" / "02-refleksi-diri.quiz.md"
    quiz_text = quiz.read_text(encoding="utf-8")
    quiz.write_text(quiz_text.replace("pass: 60", "pass: 170"), encoding="utf-8")
    (broken / "nilai-berakhlak.zip").write_bytes(zip_folder(course))
    quiz.write_text(quiz_text, encoding="utf-8")
    fixed = tmp_path / "nilai-berakhlak.zip"
    fixed.write_bytes(zip_folder(course))

    page = desktop
    sign_in(page, live_server, "widyaiswara")
    page.get_by_role("link", name="Unggah kursus").click()
    expect(page.get_by_role("heading", level=1, name="Unggah kursus")).to_be_visible()

    # A ZIP with a mistake: every problem as path:LINE, nothing written.
    page.get_by_label("Berkas ZIP kursus").set_input_files(str(broken / "nilai-berakhlak.zip"))
    page.get_by_role("button", name="Periksa kursus").click()
    expect(page.locator("#file-error")).to_contain_text("1 masalah")
    expect(page.locator("pre.issue-lines")).to_contain_text(
        "nilai-berakhlak/03-penerapan/02-refleksi-diri.quiz.md:3: 'pass' must be from 0 to 100"
    )

    # The fixed ZIP: a preview of what would change, and the rendered lessons.
    page.get_by_label("Berkas ZIP kursus").set_input_files(str(fixed))
    page.get_by_role("button", name="Periksa kursus").click()
    expect(page.get_by_role("heading", level=2, name="Yang akan terjadi bila diterbitkan")).to_be_visible()
    counts = page.locator("table.counts tbody td")
    expect(counts).to_have_text(["0", "1", re.compile(r"\d+"), "0"])
    expect(page.locator("details.names", has_text="Diperbarui")).to_contain_text("ba-whistleblowing")
    page.locator("details summary", has_text="Whistleblowing").click()
    expect(page.get_by_text("Laporkan pelanggaran lewat saluran WBS")).to_be_visible()
    assert db.session.scalar(select(Lesson.title).where(Lesson.key == "ba-whistleblowing")) != "Whistleblowing"

    # Publish: one transaction, as elearn content load.
    page.get_by_role("button", name="Terbitkan").click()
    expect(page.locator(".flash-success").first).to_contain_text("Kursus BA-101 diterbitkan: 0 dibuat, 1 diperbarui")
    expect(page.get_by_role("button", name="Terbitkan")).to_have_count(0)
    db.session.expire_all()
    assert db.session.scalar(select(Lesson.title).where(Lesson.key == "ba-whistleblowing")) == "Whistleblowing"
    page.get_by_role("link", name="Unggah kursus").first.click()
    expect(page.locator("table.data tbody tr")).to_have_count(1)
    expect(page.locator("table.data tbody tr")).to_contain_text("Diterbitkan")


def test_an_admin_resets_a_password_and_the_person_must_change_the_one_time_password(
    app: Flask, make_user: Callable[..., User], live_server: str, desktop: Page, browser: Any
) -> None:
    make_user("admin", role="admin", unit=None)
    make_user("siti", unit="Pemerintah Kota Sorong/Dinas Kesehatan", name="Siti Aminah")
    page = desktop
    sign_in(page, live_server, "admin")
    page.get_by_role("link", name="Administrasi").click()
    page.get_by_label("Cari nama, nama pengguna atau NIP").fill("aminah")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name="Siti Aminah").click()
    expect(page.get_by_role("heading", level=1, name="Siti Aminah")).to_be_visible()
    page.get_by_role("button", name="Atur ulang kata sandi").click()
    expect(page.get_by_role("heading", level=1, name="Kata sandi diatur ulang")).to_be_visible()
    password = page.locator("code.one-time-password").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{16}", password)

    # Siti, on her own phone-sized browser, signs in with it and must choose a new password first.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    try:
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        sign_in(phone, live_server, "siti", password)
        expect(phone.get_by_role("heading", level=1, name="Ganti kata sandi")).to_be_visible()
        phone.goto(f"{live_server}/my")
        expect(phone.get_by_role("heading", level=1, name="Ganti kata sandi")).to_be_visible()
        phone.get_by_label("Kata sandi saat ini").fill(password)
        phone.get_by_label("Kata sandi baru", exact=True).fill("pelangi-senja-di-sorong")
        phone.get_by_label("Ulangi kata sandi baru").fill("pelangi-senja-di-sorong")
        phone.get_by_role("button", name="Simpan kata sandi").click()
        expect(phone.get_by_role("heading", level=1, name="Selamat datang, Siti Aminah")).to_be_visible()
    finally:
        context.close()
    siti = db.session.scalar(select(User).where(User.username == "siti"))
    db.session.refresh(siti)
    assert siti is not None and not siti.must_change_password
