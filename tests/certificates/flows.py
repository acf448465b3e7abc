"""Helpers that drive the learning flow far enough to earn certificates and JP."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import zxingcpp
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course, Lesson
from elearn.extensions import db
from tests.coursetree import build_course

RENDER_SCALE = 2


def course_with_jp(root: Path, code: str, jp: int, **keys: Any) -> Path:
    """A quiz-free course of one module (``lessons`` lessons, default 1) worth ``jp`` JP."""
    keys.setdefault("modules", 1)
    keys.setdefault("lessons", 1)
    folder = build_course(root, code, quiz=False, **keys)
    course_md = folder / "course.md"
    course_md.write_text(course_md.read_text(encoding="utf-8").replace("jp: 4\n", f"jp: {jp}\n"), encoding="utf-8")
    return folder


def complete(client: FlaskClient, headers: dict[str, str], code: str) -> dict[str, object]:
    """Enrol with ``headers`` and view every lesson of a quiz-free course; its progress afterwards."""
    assert client.post(f"/api/v1/courses/{code}/enrolment", headers=headers, json={}).status_code in (200, 201)
    course = db.session.scalar(select(Course).where(Course.code == code))
    assert course is not None
    lessons = db.session.scalars(select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.id)).all()
    for lesson_id in lessons:
        assert client.get(f"/api/v1/lessons/{lesson_id}", headers=headers).status_code == 200
    progress = client.get(f"/api/v1/courses/{code}/progress", headers=headers).get_json()
    assert progress["completed"] is True
    return dict(progress)


def learner_completes(
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    code: str,
    **user: object,
) -> tuple[User, dict[str, str], dict[str, object]]:
    """A new learner who completes ``code``: (user, their headers, their progress)."""
    person = make_user(**user)
    headers = token_for(person)
    return person, headers, complete(client, headers, code)


def pdf_text(pdf: bytes) -> str:
    """The text of the only page, white space collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def qr_texts(pdf: bytes) -> list[str]:
    """What a real QR decoder reads on the rendered page."""
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=RENDER_SCALE).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
