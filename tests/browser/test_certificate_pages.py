"""axe-core finds no serious or critical problem on the certificate, JP and report pages, and the
verification page works on a phone without script."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.certificates.services import issue_certificate
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.reports.ledger import record_course_jp
from elearn.reports.records import RecordInput, Upload, submit_record
from tests.browser.forms import sign_in
from tests.coursetree import build_course
from tests.factories import load_content

from .test_accessibility import severe_violations


def test_certificate_and_report_pages_have_no_serious_accessibility_violation(
    app: Flask, make_user: Callable[..., User], live_server: str, phone: Page, tmp_path: Path
) -> None:
    build_course(tmp_path, "A11Y-2", modules=1, lessons=1, quiz=True)
    load_content(app, tmp_path)
    learner = make_user("siti", name="Siti Aminah")
    make_user("koordinator", role="coordinator", unit="Pemerintah Kota Sorong")
    course = db.session.scalar(select(Course).where(Course.code == "A11Y-2"))
    assert course is not None
    enrolment = Enrolment(
        user_id=learner.id, course_id=course.id, status="active", completed_at=dt.datetime.now(dt.UTC)
    )
    db.session.add(enrolment)
    db.session.flush()
    record_course_jp(enrolment)
    certificate = issue_certificate(enrolment)
    assert certificate is not None
    today = dt.date.today()
    values = RecordInput("Seminar ASN", "seminar", "teknis", "BKN", today, today, 4)
    submit_record(learner, values, Upload("bukti.pdf", b"%PDF-1.4 bukti"))
    db.session.commit()
    axe = Axe()
    problems = []
    phone.goto(f"{live_server}/verify/{certificate.code}")
    assert phone.get_by_text("SAH").count() >= 1
    problems += severe_violations(axe, phone)
    for username, pages in (
        ("siti", ["/certificates", "/jp", "/jp/records/new"]),
        (
            "koordinator",
            ["/manage/certificates", "/manage/jp/records", "/reports", "/reports/jp", "/reports/courses/A11Y-2"],
        ),
    ):
        sign_in(phone, live_server, username)
        for path in pages:
            phone.goto(f"{live_server}{path}")
            problems += severe_violations(axe, phone)
    assert problems == []
