"""What the trust tests' servers serve: two courses and their learners, written into a scratch database
in-process (the servers then read it over their own connections), and the database checks afterwards."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select

from elearn.accounts import hashing
from elearn.accounts.models import User
from elearn.accounts.services import ensure_unit, issue_token
from elearn.catalogue.models import Course, Lesson
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.quizzes.loading import attempt_questions
from elearn.quizzes.models import IN_PROGRESS, AnswerChoice, Attempt, AttemptAnswer, Quiz, QuizResult
from tests.conftest import make_test_app
from tests.coursetree import course_md, write
from tests.factories import PASSWORD, load_content

QUIZ_COURSE, CERTIFICATE_COURSE = "TRUST-Q", "TRUST-C"
SHORT_QUESTIONS = 5
UNIT = "Pemerintah Kota Sorong/Dinas Kesehatan"
T = TypeVar("T")


def _quiz_markdown() -> str:
    """Five short answers (each autosave writes one, so no save overwrites another) and a choice."""
    short = "".join(
        f"## Jawaban singkat {n} {{id=singkat-{n}}}\n\n= kunci{n}\n\n" for n in range(1, SHORT_QUESTIONS + 1)
    )
    choice = "## Kepanjangan ASN? {id=pilihan}\n\n- [x] Aparatur Sipil Negara\n- [ ] Aparatur Sipil Nasional\n"
    return f"---\ntitle: Kuis ketahanan\npass: 50\nshuffle: false\n---\n{short}{choice}"


def write_courses(root: Path) -> None:
    """TRUST-Q: a quiz first (no lesson to read before it); TRUST-C: one lesson, a certificate."""
    quiz_course = root / "trust-q"
    write(quiz_course / "course.md", course_md(QUIZ_COURSE, sequential="false"))
    write(quiz_course / "01-modul" / "module.md", "---\ntitle: Modul ketahanan\n---\nPengantar.\n")
    write(quiz_course / "01-modul" / "01-kuis.quiz.md", _quiz_markdown())
    write(quiz_course / "01-modul" / "02-pelajaran.md", "# Penutup\n\nSelesai.\n")
    certificate_course = root / "trust-c"
    write(certificate_course / "course.md", course_md(CERTIFICATE_COURSE, sequential="false"))
    write(certificate_course / "01-modul" / "module.md", "---\ntitle: Modul sertifikat\n---\nPengantar.\n")
    write(certificate_course / "01-modul" / "01-pelajaran.md", "# Satu-satunya pelajaran\n\nIsi.\n")


@dataclass
class Learner:
    """A learner enrolled in both courses, with a bearer token."""

    username: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        """The Authorization header."""
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    """The seeded database: where it is, the quiz, the certificate course's lesson, the learners."""

    url: str
    quiz_id: int
    lesson_id: int
    learners: list[Learner] = field(default_factory=list)
    password: str = PASSWORD


def seed(url: str, folder: Path, learners: int, prefix: str = "tangguh") -> World:
    """Create the schema in ``url``, load both courses and ``learners`` learners (enrolled, with tokens)."""
    content = folder / "content"
    write_courses(content)
    app = make_test_app(url)
    with app.app_context():
        db.create_all()
        load_content(app, content)
        courses = {c.code: c for c in db.session.scalars(select(Course))}
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.course_id == courses[QUIZ_COURSE].id))
        lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.course_id == courses[CERTIFICATE_COURSE].id))
        assert quiz_id is not None and lesson_id is not None
        world = World(url, quiz_id, lesson_id)
        unit = ensure_unit(UNIT)
        password_hash = hashing.hash_generated_password(PASSWORD)  # the fast keyed hash: sign-in works the same
        for n in range(learners):
            user = User(
                username=f"{prefix}{n}",
                name=f"Peserta Tangguh {n}",
                role="learner",
                nip=f"19850{1 + n % 9}{10 + n % 18:02d}2010011{n % 1000:03d}",
                password_hash=password_hash,
                unit=unit,
            )
            db.session.add(user)
            db.session.flush()
            for course in courses.values():
                db.session.add(Enrolment(user_id=user.id, course_id=course.id, status="active"))
            token, _row = issue_token(user)
            world.learners.append(Learner(user.username, token))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return world


@dataclass
class Ledger:
    """What the database holds after a run, checked against what clients were told."""

    attempts: int = 0
    finished: int = 0
    open: int = 0
    saves_found: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class _Stored:
    """The quiz tables as read after a run."""

    attempts: list[Attempt]
    answers: dict[tuple[int, int], AttemptAnswer]
    choices: Counter[int]
    results: dict[tuple[int, int], QuizResult]
    questions: dict[int, dict[str, Any]]

    @classmethod
    def read(cls) -> _Stored:
        """Everything, in a few queries."""
        attempts = list(db.session.scalars(select(Attempt).order_by(Attempt.id)))
        return cls(
            attempts,
            {(row.attempt_id, row.question_version_id): row for row in db.session.scalars(select(AttemptAnswer))},
            Counter(db.session.scalars(select(AnswerChoice.attempt_id))),
            {(r.user_id, r.quiz_id): r for r in db.session.scalars(select(QuizResult))},
            {attempt.id: {q.key: q for q in attempt_questions(attempt)} for attempt in attempts},
        )

    def rows_of(self, attempt: Attempt) -> list[AttemptAnswer | None]:
        """The answer row of each question of ``attempt`` (None where there is none)."""
        return [self.answers.get((attempt.id, q.version_id)) for q in self.questions[attempt.id].values()]


def check_attempts(url: str, acknowledged: dict[tuple[int, str], Any], submitted: set[int]) -> Ledger:
    """Every acknowledged save ``{(attempt id, question key): answer}`` is stored as sent; every
    acknowledged submit is finished; no attempt is half graded; no learner has two open attempts."""
    app = make_test_app(url)
    ledger = Ledger()
    with app.app_context():
        stored = _Stored.read()
        for (attempt_id, key), answer in acknowledged.items():
            question = stored.questions.get(attempt_id, {}).get(key)
            row = stored.answers.get((attempt_id, question.version_id)) if question else None
            if row is None or row.response != answer:
                ledger.problems.append(f"attempt {attempt_id} question {key}: acknowledged {answer!r}, stored {row}")
            else:
                ledger.saves_found += 1
        states = {attempt.id: attempt.state for attempt in stored.attempts}
        ledger.problems += [
            f"attempt {a}: submit acknowledged, still open" for a in submitted if states[a] == IN_PROGRESS
        ]
        for attempt in stored.attempts:
            _check_attempt(attempt, stored, ledger)
        open_per_learner = Counter((a.user_id, a.quiz_id) for a in stored.attempts if a.state == IN_PROGRESS)
        ledger.problems += [f"learner {k}: {n} open attempts" for k, n in open_per_learner.items() if n > 1]
        db.session.remove()
        db.engine.dispose()
    return ledger


def _check_attempt(attempt: Attempt, stored: _Stored, ledger: Ledger) -> None:
    """Open: none of the finishing writes. Finished: all of them (numbers, every score, the result)."""
    ledger.attempts += 1
    rows = stored.rows_of(attempt)
    if attempt.state == IN_PROGRESS:
        ledger.open += 1
        finishing = [attempt.finished_at, attempt.score, attempt.grade, attempt.is_passed]
        scored = any(row is not None and row.score is not None for row in rows)
        if any(value is not None for value in finishing) or stored.choices[attempt.id] or scored:
            ledger.problems.append(f"attempt {attempt.id}: open but partly graded")
        return
    ledger.finished += 1
    numbers = [attempt.finished_at, attempt.score, attempt.max_score, attempt.grade, attempt.is_passed]
    if any(value is None for value in numbers) or any(row is None or row.score is None for row in rows):
        ledger.problems.append(f"attempt {attempt.id}: finished without every score")
    result = stored.results.get((attempt.user_id, attempt.quiz_id))
    if result is None or result.attempts_used < attempt.number:
        ledger.problems.append(f"attempt {attempt.id}: finished, quiz result missing or behind")


def read(url: str, question: Callable[[], T]) -> T:
    """``question()`` run in an app of the test's own on ``url`` (its own connections, closed after)."""
    app = make_test_app(url)
    with app.app_context():
        try:
            return question()
        finally:
            db.session.remove()
            db.engine.dispose()


def count_rows(url: str, model: Any, **where: Any) -> int:
    """How many rows of ``model`` match ``where``."""
    statement = select(func.count()).select_from(model)
    for name, value in where.items():
        statement = statement.where(getattr(model, name) == value)
    return read(url, lambda: int(db.session.scalar(statement) or 0))
