"""On a phone: answer a course survey, answer a needs survey, post and reply in a discussion; and axe over
every new page (survey, results, needs, discussion)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from elearn.accounts.models import Unit, User
from elearn.catalogue.models import Course, Lesson
from elearn.core.time import now
from elearn.discussion.models import DiscussionPost
from elearn.enrolment.models import Enrolment
from elearn.evaluation.models import NeedsSurvey, NeedsTopic
from elearn.evaluation.surveys import answer_survey
from elearn.extensions import db
from tests.browser.test_accessibility import severe_violations
from tests.browser.test_phone_journey import assert_fits_phone, sign_in
from tests.coursetree import build_course, write

SORONG = "Pemerintah Kota Sorong"
DINKES = f"{SORONG}/Dinas Kesehatan"
SURVEY = """\
---
title: Umpan balik pelatihan
required: true
---
Terima kasih telah mengikuti pelatihan.

## Materi relevan dengan pekerjaan saya. {type=likert}

## Bagian yang paling berguna

- Modul pertama
- Modul kedua

## Metode yang disukai {multiple optional}

- Video
- Diskusi

## Saran Anda {type=text}
"""


@pytest.fixture
def people(app: Flask, tmp_path: Path, make_user: Callable[..., User]) -> dict[str, User]:
    """EVA-1 (a required survey, lesson discussions, taught by guru): siti completed it, budi learns."""
    from tests.factories import load_content

    folder = build_course(
        tmp_path, "EVA-1", modules=1, lessons=1, quiz=False, instructors="[guru]", discussion="lessons"
    )
    write(folder / "umpan-balik.survey.md", SURVEY)
    load_content(app, tmp_path)
    course = db.session.scalar(select(Course).where(Course.code == "EVA-1"))
    assert course is not None
    users = {
        "siti": make_user("siti", unit=DINKES),
        "budi": make_user("budi", unit=DINKES),
        "guru": make_user("guru", role="instructor", unit=SORONG),
        "koordinator": make_user("koordinator", role="coordinator", unit=SORONG),
    }
    db.session.add(Enrolment(user_id=users["siti"].id, course_id=course.id, status="active", completed_at=now()))
    db.session.add(Enrolment(user_id=users["budi"].id, course_id=course.id, status="active"))
    db.session.commit()
    return users


def publish_needs(coordinator: User) -> int:
    unit = db.session.scalar(select(Unit.id).where(Unit.path == SORONG))
    assert unit is not None
    survey = NeedsSurvey(
        title="Analisis kebutuhan 2027",
        unit_id=unit,
        opens_on=dt.date(2020, 1, 1),
        closes_on=dt.date(2100, 1, 1),
        created_by_id=coordinator.id,
    )
    db.session.add(survey)
    db.session.flush()
    for position, (competency, title) in enumerate(
        [("teknis", "Penyusunan SKM"), ("manajerial", "Manajemen kinerja")], start=1
    ):
        db.session.add(NeedsTopic(survey_id=survey.id, position=position, competency=competency, title=title))
    db.session.commit()
    return survey.id


def test_a_learner_answers_the_course_survey_on_a_phone_and_gets_the_certificate(
    app: Flask, people: dict[str, User], live_server: str, phone: Page
) -> None:
    page = phone
    sign_in(page, live_server, "siti")
    page.goto(f"{live_server}/courses/EVA-1")
    expect(page.get_by_text("Sertifikat diterbitkan setelah Anda mengisi survei umpan balik.")).to_be_visible()
    page.get_by_role("link", name="Isi survei").click()
    expect(page.get_by_role("heading", level=1, name="Umpan balik pelatihan")).to_be_visible()
    assert_fits_phone(page)
    # Forgetting a required item: the page says which, and keeps what was chosen.
    page.get_by_role("group", name="1. Materi relevan dengan pekerjaan saya.").get_by_label("4 · Setuju").check()
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("alert")).to_have_text("Periksa kembali jawaban Anda.")
    expect(page.get_by_text("Wajib diisi.")).to_be_visible()
    expect(page.get_by_label("4 · Setuju")).to_be_checked()
    assert_fits_phone(page)
    page.get_by_label("Modul kedua").check()
    page.get_by_label("Video").check()
    page.get_by_label("Jawaban Anda").fill("Tambahkan studi kasus puskesmas.")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_text("Terima kasih. Jawaban Anda tersimpan tanpa nama.")).to_be_visible()
    expect(page.get_by_text("Sertifikat Anda sudah terbit.")).to_be_visible()
    expect(page.get_by_role("link", name="Unduh sertifikat")).to_be_visible()
    assert_fits_phone(page)
    page.goto(f"{live_server}/courses/EVA-1/survey")
    expect(page.get_by_text("Anda sudah mengisi survei ini. Terima kasih.")).to_be_visible()


def test_a_learner_answers_a_needs_survey_on_a_phone(
    app: Flask, people: dict[str, User], live_server: str, phone: Page
) -> None:
    survey_id = publish_needs(people["koordinator"])
    page = phone
    sign_in(page, live_server, "budi")
    page.get_by_role("link", name="Isi sekarang").click()
    page.get_by_role("link", name="Isi survei").click()
    assert page.url == f"{live_server}/needs/{survey_id}/answer"
    assert_fits_phone(page)
    page.get_by_role("group", name="Penyusunan SKM · Teknis").get_by_label("5 · sangat perlu").check()
    page.get_by_role("group", name="Manajemen kinerja · Manajerial").get_by_label("2").check()
    page.get_by_label("Coaching").check()
    page.get_by_label("Kebutuhan lain atau saran (opsional)").fill("Pelatihan aplikasi SRIKANDI.")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_text("Terima kasih. Jawaban Anda tersimpan.")).to_be_visible()
    expect(page.get_by_text("Sudah diisi")).to_be_visible()
    assert_fits_phone(page)


def test_learners_post_and_reply_in_a_discussion_on_a_phone(
    app: Flask, people: dict[str, User], live_server: str, phone: Page
) -> None:
    page = phone
    sign_in(page, live_server, "budi")
    page.goto(f"{live_server}/courses/EVA-1")
    page.get_by_role("link", name="Diskusi kursus").click()
    assert_fits_phone(page)
    page.get_by_label("Mulai topik baru").fill("Bagaimana menghitung **IKM** per unsur?")
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.locator(".post-body strong")).to_have_text("IKM")
    assert_fits_phone(page)
    page.context.clear_cookies()
    sign_in(page, live_server, "guru")
    page.goto(f"{live_server}/courses/EVA-1/discussion")
    page.get_by_role("link", name="Balas pesan Budi").click()
    page.get_by_label("Tulis balasan").fill("Bagi jumlah nilai per unsur dengan jumlah responden.")
    page.get_by_role("button", name="Kirim balasan").click()
    reply = page.locator(".replies .post")
    expect(reply).to_have_count(1)
    expect(reply.get_by_text("Instruktur")).to_be_visible()
    assert_fits_phone(page)
    assert page.evaluate("document.scripts.length") == 0


def test_the_new_pages_have_no_serious_accessibility_violation(
    app: Flask, people: dict[str, User], make_user: Callable[..., User], live_server: str, phone: Page
) -> None:
    survey_id = publish_needs(people["koordinator"])
    for n in range(5):  # enough answers for the results to show
        learner = make_user(f"peserta{n}", unit=DINKES)
        course = db.session.scalar(select(Course.id).where(Course.code == "EVA-1"))
        db.session.add(Enrolment(user_id=learner.id, course_id=course, status="active", completed_at=now()))
        db.session.commit()
        from elearn.evaluation.surveys import survey_form

        form = survey_form(learner, "EVA-1")
        answer_survey(learner, "EVA-1", {item.id: ["1"] for item in form.survey.items}, form=form)
        db.session.commit()
    lesson = db.session.scalar(select(Lesson.id).join(Course).where(Course.code == "EVA-1"))
    post = DiscussionPost(course_id=course, author_id=people["budi"].id, body="Halo", html="<p>Halo</p>")
    db.session.add(post)
    db.session.commit()
    axe = Axe()
    problems: list[str] = []
    for username, pages in (
        ("siti", ["/courses/EVA-1", "/courses/EVA-1/survey", "/needs", f"/needs/{survey_id}/answer"]),
        ("budi", ["/courses/EVA-1/discussion", f"/discussion/{post.id}", f"/discussion/{post.id}/edit"]),
        (
            "guru",
            [
                "/courses/EVA-1/survey/results",
                f"/lessons/{lesson}/discussion",
                "/courses/EVA-1/discussion/reported",
                "/reports/courses/EVA-1",
            ],
        ),
        ("koordinator", ["/needs", "/needs/new", f"/needs/{survey_id}", "/courses/EVA-1/survey/results"]),
    ):
        phone.context.clear_cookies()
        sign_in(phone, live_server, username)
        for path in pages:
            phone.goto(f"{live_server}{path}")
            problems += severe_violations(axe, phone)
            assert_fits_phone(phone)
    assert problems == []
