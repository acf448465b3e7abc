"""``elearn content export-gift`` writes GIFT that loads back into an equal quiz, for every question type."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from elearn.catalogue.models import Course
from elearn.extensions import db
from elearn.quizzes.models import Question, QuestionVersion, Quiz
from tests.coursetree import course_md, write
from tests.factories import load_content

EVERY_TYPE = """\
---
title: Semua jenis soal
---
## Kepanjangan ASN? {id=q-single}

- [x] Aparatur Sipil Negara
  > Benar, sesuai UU 20/2023.
- [ ] Aparatur Sipil Nasional

> Umpan balik umum.

## Nilai dasar BerAKHLAK {points=2 id=q-multi}

- [x] Akuntabel
- [x] Kolaboratif
- [ ] Birokratis

## ASN wajib 20 JP setahun. {id=q-tf}

- [x] Benar
- [ ] Salah

## Singkatan Aparatur Sipil Negara? {id=q-short}

= ASN
= A.S.N.

## Berapa JP minimal? {id=q-num}

= 20
= 3.14 ± 0.01
= 18..22

## Pasangkan lembaga dan tugasnya {id=q-match points=3}

- BKN -> Manajemen kepegawaian
- LAN -> Pengembangan kompetensi
- KemenPANRB -> Kebijakan aparatur

## Ceritakan pengalaman pelayanan Anda {type=essay id=q-essay}
"""

BANK = """\
$CATEGORY: integritas

// [id:g-weights]
::Gratifikasi::Apa yang termasuk gratifikasi? {
  ~%50%Hadiah dari rekanan#Sebagian benar
  ~%50%Tiket perjalanan gratis
  ~%-100%Gaji bulanan
}

// [id:g-tf]
Gratifikasi wajib dilaporkan dalam 30 hari kerja. {T#Salah.#Benar.}

// [id:g-num]
Berapa hari kerja batas lapor? {#30:0 ~#Lihat aturan KPK}

// [id:g-short]
Singkatan Komisi Pemberantasan Korupsi? {=KPK =%50%K*K}
"""


def build(root: Path, code: str, quiz: str, extra: dict[str, str] | None = None) -> None:
    course = root / code.lower()
    write(course / "course.md", course_md(code))
    write(course / "01-modul" / "01-kuis.quiz.md", quiz)
    for name, text in (extra or {}).items():
        write(course / "01-modul" / name, text)


def questions_of(code: str) -> list[dict]:
    rows = db.session.scalars(
        select(QuestionVersion.content)
        .join(Question, (Question.id == QuestionVersion.question_id) & (Question.version == QuestionVersion.number))
        .join(Quiz, Quiz.id == Question.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(Course.code == code, Question.archived_at.is_(None))
        .order_by(Question.position)
    ).all()
    return [{k: v for k, v in content.items() if k != "stem_source"} for content in rows]


def test_export_gift_round_trips_every_question_type(app: Flask, tmp_path: Path) -> None:
    quiz = EVERY_TYPE.replace("title: Semua jenis soal", "title: Semua jenis soal\ninclude: [bank.gift]")
    build(tmp_path / "a", "ORIG-1", quiz, {"bank.gift": BANK})
    load_content(app, tmp_path / "a")
    exported = tmp_path / "ekspor.gift"
    result = app.test_cli_runner().invoke(args=["content", "export-gift", "ORIG-1", "kuis", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    build(tmp_path / "b", "COPY-1", "---\ninclude: [ekspor.gift]\n---\n", {"ekspor.gift": exported.read_text()})
    load_content(app, tmp_path / "b")
    original, copy = questions_of("ORIG-1"), questions_of("COPY-1")
    assert len(original) == 11
    every_type = {"single", "multiple", "truefalse", "short", "numerical", "matching", "essay"}
    assert {q["type"] for q in original} == every_type
    assert copy == original
    assert "[id:q-multi]" in exported.read_text()  # authors' ids travel with the questions


def test_export_of_an_unknown_quiz_fails_with_a_message(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["content", "export-gift", "NOPE-1", "kuis"])
    assert result.exit_code == 1
    assert "no quiz 'kuis' in course 'NOPE-1'" in result.output
