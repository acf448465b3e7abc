"""axe-core finds no serious or critical accessibility problem on the learner's and coordinator's pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from tests.browser.forms import sign_in
from tests.coursetree import build_course, write
from tests.factories import load_content

SEVERE = {"serious", "critical"}


def severe_violations(axe: Axe, page: Page) -> list[str]:
    results = axe.run(page)
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in SEVERE
    ]


@pytest.fixture
def course_with_everything(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, "A11Y-1", modules=2, lessons=2)
    write(
        course / "01-modul-1" / "01-pelajaran-1.md",
        "# Tabel dan gambar\n\n| Layanan | Waktu | Biaya | Persyaratan | Dasar hukum | Unit pelaksana |\n"
        "|---|---|---|---|---|---|\n| Penerbitan KTP elektronik | 1 hari kerja | Tidak dipungut biaya | "
        "Kartu keluarga dan surat pengantar | Undang-Undang Administrasi Kependudukan | Dinas Dukcapil |\n\n"
        '![Alur pengaduan](../media/gambar.svg)\n\n!!! note "Catatan"\n    Isi catatan.\n\n'
        "<details><summary>Lihat</summary>Rincian.</details>\n",
    )
    load_content(app, tmp_path)


def test_key_pages_have_no_serious_accessibility_violation(
    app: Flask,
    course_with_everything: None,
    make_user: Callable[..., User],
    live_server: str,
    phone: Page,
) -> None:
    learner = make_user("siti")
    make_user("koordinator", role="coordinator", unit="Pemerintah Kota Sorong")
    from sqlalchemy import select

    from elearn.catalogue.models import Course, Lesson

    course = db.session.scalar(select(Course).where(Course.code == "A11Y-1"))
    assert course is not None
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id, status="active"))
    db.session.commit()
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.key == "modul-1/pelajaran-1"))
    axe = Axe()
    problems = []
    phone.goto(f"{live_server}/login")
    problems += severe_violations(axe, phone)
    for username, pages in (
        ("siti", ["/", "/my", "/courses/A11Y-1", f"/lessons/{lesson_id}", "/account/password"]),
        (
            "koordinator",
            [
                "/manage",
                "/manage/courses/A11Y-1",
                "/manage/courses/A11Y-1?status=pending",  # an empty filter: "nobody is waiting"
                "/manage/courses/A11Y-1/participants/siti",
            ],
        ),
    ):
        sign_in(phone, live_server, username)
        for path in pages:
            phone.goto(f"{live_server}{path}")
            problems += severe_violations(axe, phone)
    assert problems == []


def test_quiz_pages_have_no_serious_accessibility_violation(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    live_server: str,
    phone: Page,
) -> None:
    from tests.quizzes.world import ESSAY, best_answers, build_quiz_world

    world = build_quiz_world(app, tmp_path, make_user, token_for, ESSAY)
    make_user("guru", role="instructor")
    done = world.start()
    world.submit(done["id"], best_answers(done["id"]))
    axe = Axe()
    problems = []
    essay = next(q for q in done["questions"] if q["type"] == "essay")
    for username, pages in (
        ("peserta", [f"/quizzes/{world.quiz_id}", f"/attempts/{done['id']}"]),
        ("guru", [f"/quizzes/{world.quiz_id}/results", "/grading", f"/attempts/{done['id']}/grade/{essay['id']}"]),
    ):
        sign_in(phone, live_server, username)
        for path in pages:
            phone.goto(f"{live_server}{path}")
            problems += severe_violations(axe, phone)
    # An attempt in progress, one question per screen and all on one page.
    sign_in(phone, live_server, "peserta")
    phone.goto(f"{live_server}/quizzes/{world.quiz_id}")
    phone.get_by_role("button", name="Mulai percobaan baru").click()
    problems += severe_violations(axe, phone)
    phone.goto(phone.url.split("?")[0] + "?view=all")
    problems += severe_violations(axe, phone)
    assert problems == []


def test_operator_pages_have_no_serious_accessibility_violation(
    app: Flask, make_user: Callable[..., User], live_server: str, phone: Page, tmp_path: Path
) -> None:
    from sqlalchemy import func

    from elearn.accounts.models import Unit
    from elearn.publishing.models import CourseUpload
    from elearn.publishing.services import receive_upload
    from tests.publishing.helpers import demo_course, zip_folder

    admin = make_user("admin", role="admin", unit=None)
    siti = make_user("siti")
    course = demo_course(tmp_path)
    receive_upload(admin, zip_folder(course), "nilai-berakhlak.zip")
    db.session.commit()
    upload_id = db.session.scalar(select(func.max(CourseUpload.id)))
    unit_id = db.session.scalar(select(Unit.id).where(Unit.path == "Pemerintah Kota Sorong"))
    axe = Axe()
    problems = []
    for username, pages in (
        ("admin", [
            "/admin/users", "/admin/users/new", f"/admin/users/{siti.id}", "/admin/users/import", "/admin/units",
            f"/admin/units/{unit_id}", "/admin/audit", "/manage/uploads", f"/manage/uploads/{upload_id}", "/account",
        ]),
        ("siti", ["/account"]),
    ):  # fmt: skip
        sign_in(phone, live_server, username)
        for path in pages:
            phone.goto(f"{live_server}{path}")
            problems += severe_violations(axe, phone)
        if username == "admin":  # a form answered with errors
            phone.goto(f"{live_server}/admin/users/new")
            phone.get_by_label("Nama pengguna").fill("a")
            phone.get_by_role("button", name="Simpan").click()
            phone.wait_for_selector(".field-error")
            problems += severe_violations(axe, phone)
    assert problems == []
