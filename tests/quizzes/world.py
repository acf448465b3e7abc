"""A course with a quiz and an enrolled learner, for the quiz engine's tests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.quizzes.loading import attempt_questions
from elearn.quizzes.models import Attempt, Quiz
from tests.coursetree import course_md, write
from tests.factories import load_content

#: Every type once, with key material that never appears in a stem (scanned for by leak tests).
ALL_TYPES = """\
---
title: Kuis semua jenis
pass: 60
---
## Kepanjangan ASN? {id=q-single}

- [x] Aparatur Sipil Negara
  > UMPANBALIK-PILIHAN-BENAR
- [ ] Aparatur Sipil Nasional

## Nilai dasar ASN yang benar {id=q-multiple}

- [x] Berorientasi pelayanan
- [x] Akuntabel
- [ ] Malas

## Pelayanan publik wajib ramah. {id=q-tf}

- [x] Benar
- [ ] Salah

## Singkatan aparatur negara (tiga huruf) {id=q-short}

= KUNCISINGKAT
= kunci singkat lain

## Berapa JP minimal setahun? {id=q-number}

= 20

## Pasangkan lembaga dengan tugasnya {id=q-match}

- BKN -> KUNCIPASANGAN Manajemen kepegawaian
- LAN -> Pengembangan kompetensi

> UMPANBALIK-UMUM-PASANGAN
"""

ESSAY = """\
---
title: Kuis esai
pass: 50
---
## Jelaskan nilai BerAKHLAK. {id=q-essay points=2 type=essay}

## Kepanjangan ASN? {id=q-single}

- [x] Aparatur Sipil Negara
- [ ] Aparatur Sipil Nasional
"""


@dataclass
class QuizWorld:
    """One course (two modules, sequential) whose first module ends with the quiz under test."""

    app: Flask
    course: Course
    quiz_id: int
    learner: User
    headers: dict[str, str]
    client: FlaskClient

    def start(self, **kwargs: Any) -> dict[str, Any]:
        """Start (or resume) an attempt through the API; the response body."""
        response = self.client.post(f"/api/v1/quizzes/{self.quiz_id}/attempts", headers=self.headers, **kwargs)
        assert response.status_code in (200, 201), response.get_json()
        return dict(response.get_json())

    def save(self, attempt_id: int, answers: dict[str, Any]) -> Any:
        """PUT answers; the response."""
        return self.client.put(
            f"/api/v1/attempts/{attempt_id}/answers", json={"answers": answers}, headers=self.headers
        )

    def submit(self, attempt_id: int, answers: dict[str, Any] | None = None) -> Any:
        """POST submit; the response."""
        body = {"answers": answers} if answers is not None else {}
        return self.client.post(f"/api/v1/attempts/{attempt_id}/submit", json=body, headers=self.headers)


def build_quiz_world(
    app: Flask,
    tmp_path: Path,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    quiz: str = ALL_TYPES,
    *,
    code: str = "KUIS-1",
    instructors: str = "[guru]",
    **course_keys: str,
) -> QuizWorld:
    """Write and load the course, enrol ``peserta`` and return the world."""
    folder = tmp_path / code.lower()
    write(folder / "course.md", course_md(code, instructors=instructors, **course_keys))
    write(folder / "01-modul-1" / "01-pengantar.md", "# Pengantar\n\nIsi.\n")
    write(folder / "01-modul-1" / "02-kuis.quiz.md", textwrap.dedent(quiz))
    write(folder / "02-modul-2" / "01-lanjutan.md", "# Lanjutan\n\nIsi lanjutan.\n")
    load_content(app, folder)
    course = db.session.scalar(select(Course).where(Course.code == code))
    assert course is not None
    learner = db.session.scalar(select(User).where(User.username == "peserta")) or make_user(
        "peserta", unit="Pemerintah Kota Sorong/Dinas Kesehatan"
    )
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id, status="active"))
    db.session.commit()
    quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.course_id == course.id))
    assert quiz_id is not None
    return QuizWorld(app, course, quiz_id, learner, token_for(learner), app.test_client())


def best_answers(attempt_id: int, essay: str = "Jawaban esai yang panjang.") -> dict[str, Any]:
    """Answers that score full marks on every question of the attempt (essays get ``essay``)."""
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    answers: dict[str, Any] = {}
    for question in attempt_questions(attempt):
        best = question.kind.best_answer(question.spec, question.layout)
        answers[question.key] = essay if question.spec.type == "essay" else best
    return answers


def wrong_answers(attempt_id: int) -> dict[str, Any]:
    """Answers that score zero on every auto-graded question."""
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    answers: dict[str, Any] = {}
    for question in attempt_questions(attempt):
        layout, spec = question.layout, question.spec
        if spec.type in ("single", "truefalse"):
            wrong = [o["id"] for o in layout["options"] if spec.choices[o["index"]].weight <= 0]
            answers[question.key] = wrong[0]
        elif spec.type == "multiple":
            answers[question.key] = [o["id"] for o in layout["options"] if spec.choices[o["index"]].weight <= 0]
        elif spec.type == "matching":
            answers[question.key] = {}
        elif spec.type == "essay":
            continue
        else:
            answers[question.key] = "salah sama sekali"
    return answers
