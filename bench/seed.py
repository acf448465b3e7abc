"""Seed a realistic elearn deployment for the HTTP benchmarks, fast.

Usage (from the repository root)::

    .venv/bin/python bench/seed.py --database-url sqlite:////tmp/bench/elearn.db --scale 1 --work /tmp/bench

At scale 1: 20 000 learners in 40 units (5 local governments x 8 agencies), 60
courses of 5 modules x (6 lessons + 1 quiz of 5 questions), each learner
enrolled in 3-5 courses (about 80 000 enrolments), 200 000 lesson completions,
and bearer tokens for ``--tokens`` learners. ``--scale 10`` multiplies people,
enrolments and completions by 10 (the courses stay 60).

Courses go through the real loader (``elearn content load`` on a generated tree,
see ``content_load.generate``), so lessons are real rendered HTML with a media
image each. Everything else is bulk-inserted with SQLAlchemy Core
(``insert()`` with lists of dicts: one executemany per chunk). Every learner's
password is ``BENCH_PASSWORD`` under the fast keyed hash.

Writes ``WORK/world.json``: the courses (ids, lesson ids, media paths) and the
token learners (id, username, plaintext token, enrolled courses) that the load
scripts pick from. The database must be empty (the seed runs ``elearn db upgrade``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchlib import cli_env, run_cli
from content_load import generate
from sqlalchemy import Connection, Table, create_engine, insert, select, text
from users_import import FIRST_NAMES, LAST_NAMES, POSITIONS, nip

BENCH_PASSWORD = "Sandi-Uji-Beban-2026"  # noqa: S105 - every bench learner signs in with it
LEARNERS = 20_000
COMPLETIONS = 200_000
COURSES, MODULES, LESSONS = 60, 5, 6
CHUNK = 10_000
FINISHED_ATTEMPTS = 50_000
SAVE_POOL = 1000

GOVERNMENTS = [
    "Pemerintah Kota Sorong",
    "Pemerintah Kabupaten Manokwari",
    "Pemerintah Provinsi Papua Barat Daya",
    "Pemerintah Kota Ambon",
    "Pemerintah Kabupaten Kupang",
]
AGENCIES = [
    "Dinas Kesehatan",
    "Dinas Pendidikan dan Kebudayaan",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Badan Perencanaan Pembangunan Daerah",
    "Inspektorat",
]


@dataclass
class CourseInfo:
    """A loaded course as the load scripts need it."""

    code: str
    id: int
    sequential: bool
    lessons: list[int]  # in course order
    open_lessons: list[int]  # open to an enrolled learner who passed no quiz yet
    media: list[tuple[str, str]]  # (path, sha256)
    quizzes: list[int] = field(default_factory=list)  # in course order
    open_quizzes: list[int] = field(default_factory=list)  # open like ``open_lessons``


@dataclass
class OpenAttempt:
    """A quiz attempt a token learner opened through the API, and a valid answer to each of its questions."""

    user_id: int
    quiz_id: int
    id: int
    answers: dict[str, Any]


@dataclass
class Learner:
    """A learner the load scripts act as: a bearer token, and later a session cookie."""

    user_id: int
    username: str
    token: str
    courses: list[str]  # codes of their active enrolments
    cookie: str | None = None


@dataclass
class World:
    """What the seed built; saved as ``world.json``."""

    scale: int
    password: str
    token_count: int = 1000
    courses: list[CourseInfo] = field(default_factory=list)
    learners: list[Learner] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)  # verification codes the verify scenario draws from
    coordinator_token: str = ""  # a coordinator of one government, for the JP report scenario
    #: Open attempts of token learners: the first ``SAVE_POOL`` are autosaved and resumed at random,
    #: the rest are each submitted once (``submit_pool``).
    attempts: list[OpenAttempt] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    # Filled while seeding, not saved: what later seeders build on.
    unit_ids: list[int] = field(default_factory=list, repr=False)
    user_ids: list[int] = field(default_factory=list, repr=False)  # learners only
    enrolled: dict[int, list[int]] = field(default_factory=dict, repr=False)  # user id -> indexes into courses

    def save(self, path: Path) -> None:
        """Write the part the load scripts read."""
        keep = {k: v for k, v in asdict(self).items() if k not in ("unit_ids", "user_ids", "enrolled")}
        path.write_text(json.dumps(keep, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> World:
        """Read a saved ``world.json``."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        world = cls(raw["scale"], raw["password"], raw["token_count"], counts=raw["counts"], seconds=raw["seconds"])
        world.courses = [CourseInfo(**{**c, "media": [tuple(m) for m in c["media"]]}) for c in raw["courses"]]
        world.learners = [Learner(**learner) for learner in raw["learners"]]
        world.certificates = raw.get("certificates", [])
        world.coordinator_token = raw.get("coordinator_token", "")
        world.attempts = [OpenAttempt(**a) for a in raw.get("attempts", [])]
        return world

    @property
    def save_pool(self) -> list[OpenAttempt]:
        """The attempts the autosave and resume scenarios draw from (never submitted)."""
        return self.attempts[:SAVE_POOL]

    @property
    def submit_pool(self) -> list[OpenAttempt]:
        """The attempts the submit scenario finishes, each once."""
        return self.attempts[SAVE_POOL:]

    def course(self, code: str) -> CourseInfo:
        """A course by code."""
        return next(c for c in self.courses if c.code == code)


def utc(days_ago: float) -> dt.datetime:
    """An aware UTC time ``days_ago`` days before now (the models refuse naive datetimes)."""
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)


def bulk(conn: Connection, table: Table, rows: Iterator[dict[str, Any]] | Sequence[dict[str, Any]]) -> int:
    """INSERT ``rows`` in chunks, each one executemany; the number inserted."""
    done, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            conn.execute(insert(table), chunk)
            done, chunk = done + len(chunk), []
    if chunk:
        conn.execute(insert(table), chunk)
        done += len(chunk)
    return done


def tables() -> dict[str, Table]:
    """The app's tables by name (imports the models)."""
    from elearn.models import ApiToken, Enrolment, LessonCompletion, Unit, User

    return {m.__tablename__: m.__table__ for m in (ApiToken, Enrolment, LessonCompletion, Unit, User)}  # type: ignore[misc]


def seed_units(conn: Connection, world: World, rng: random.Random) -> int:
    """5 governments, each with 8 agencies below it: 40 leaf units people work in."""
    units = tables()["units"]
    bulk(conn, units, [{"name": g, "path": g, "parent_id": None} for g in GOVERNMENTS])
    parents = dict(conn.execute(select(units.c.path, units.c.id).where(units.c.path.in_(GOVERNMENTS))).all())
    rows = [
        {"name": agency, "path": f"{government}/{agency}", "parent_id": parents[government]}
        for government in GOVERNMENTS
        for agency in AGENCIES
    ]
    bulk(conn, units, rows)
    world.unit_ids = list(conn.scalars(select(units.c.id).where(units.c.parent_id.is_not(None))))
    return len(parents) + len(rows)


def seed_users(conn: Connection, world: World, rng: random.Random) -> int:
    """The learners (fast keyed password hash), an admin, and one coordinator per government."""
    from elearn.accounts.hashing import hash_generated_password

    users = tables()["users"]
    taken: set[str] = set()
    created = utc(400)

    def person(username: str, name: str, unit_id: int | None, role: str) -> dict[str, Any]:
        return {
            "username": username,
            "nip": nip(rng, taken),
            "name": name,
            "email": f"{username}@bench.go.id",
            "position": rng.choice(POSITIONS) or None,
            "unit_id": unit_id,
            "role": role,
            "password_hash": hash_generated_password(BENCH_PASSWORD),
            "must_change_password": False,
            "locale": None,
            "is_active": True,
            "created_at": created,
        }

    def learners() -> Iterator[dict[str, Any]]:
        for i in range(1, LEARNERS * world.scale + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            yield person(f"{first}.{last}.{i:06d}".lower(), f"{first} {last}", rng.choice(world.unit_ids), "learner")

    count = bulk(conn, users, learners())
    world.user_ids = list(conn.scalars(select(users.c.id).order_by(users.c.id)))
    units = tables()["units"]
    governments = conn.execute(select(units.c.id, units.c.path).where(units.c.parent_id.is_(None))).all()
    staff = [person("admin.bench", "Admin Uji Beban", None, "admin")]
    staff += [
        person(f"koordinator.{n}", f"Koordinator {path}", uid, "coordinator")
        for n, (uid, path) in enumerate(governments, 1)
    ]
    return count + bulk(conn, users, staff)


def seed_enrolments(conn: Connection, world: World, rng: random.Random) -> int:
    """Each learner in 3-5 courses (about 4), active, enrolled some time in the last 300 days."""
    table = tables()["enrolments"]
    ids = [c.id for c in world.courses]

    def rows() -> Iterator[dict[str, Any]]:
        for user_id in world.user_ids:
            chosen = rng.sample(range(len(ids)), rng.randint(3, 5))
            world.enrolled[user_id] = chosen
            for index in chosen:
                yield {
                    "user_id": user_id,
                    "course_id": ids[index],
                    "status": "active",
                    "enrolled_at": utc(rng.uniform(30, 300)),
                    "enrolled_by_id": None,
                    "approved_at": None,
                    "approved_by_id": None,
                    "completed_at": None,
                    "last_lesson_id": None,
                    "last_activity_at": None,
                }

    return bulk(conn, table, rows())


def _lessons_done(rng: random.Random) -> int:
    """How far one enrolment got: most not far, a few through every lesson (mean about 3.7)."""
    roll = rng.random()
    if roll < 0.60:
        return 0
    if roll < 0.85:
        return rng.randint(1, 6)
    if roll < 0.95:
        return rng.randint(7, 20)
    return LESSONS * MODULES


def seed_completions(conn: Connection, world: World, rng: random.Random) -> int:
    """Exactly ``COMPLETIONS x scale`` lesson completions: each enrolment completes a prefix of its
    course in order, enrolments drawn at random until the total is reached."""
    table = tables()["lesson_completions"]
    target = COMPLETIONS * world.scale
    pairs = [(user_id, index) for user_id, chosen in world.enrolled.items() for index in chosen]
    rng.shuffle(pairs)

    def rows() -> Iterator[dict[str, Any]]:
        left = target
        for user_id, index in pairs:
            done = min(_lessons_done(rng), left)
            start = rng.uniform(1, 30)
            for n, lesson_id in enumerate(world.courses[index].lessons[:done]):
                yield {"user_id": user_id, "lesson_id": lesson_id, "completed_at": utc(start - n * 0.01)}
            left -= done
            if left == 0:
                return

    return bulk(conn, table, rows())


def seed_tokens(conn: Connection, world: World, rng: random.Random) -> int:
    """Bearer tokens for a random sample of learners; plaintexts kept in ``world.learners``."""
    import secrets

    from elearn.accounts.hashing import token_digest

    table = tables()["api_tokens"]
    users = tables()["users"]
    chosen = rng.sample(world.user_ids, min(world.token_count, len(world.user_ids)))
    names: dict[int, str] = {}
    for start in range(0, len(chosen), 500):
        part = chosen[start : start + 500]
        names.update(conn.execute(select(users.c.id, users.c.username).where(users.c.id.in_(part))).all())
    rows = []
    for user_id in chosen:
        token = secrets.token_urlsafe(32)
        codes = [world.courses[i].code for i in world.enrolled[user_id]]
        world.learners.append(Learner(user_id, names[user_id], token, codes))
        rows.append(
            {"user_id": user_id, "token_hash": token_digest(token), "created_at": utc(1), "expires_at": utc(-30)}
        )
    return bulk(conn, table, rows)


def seed_ledger(conn: Connection, world: World, rng: random.Random) -> int:
    """JP ledger entries this year: each learner completed 0-3 of their courses (about 1.5 a learner)."""
    from elearn.catalogue.models import Course
    from elearn.reports.models import JpEntry

    table = JpEntry.__table__
    titles = dict(conn.execute(select(Course.__table__.c.id, Course.__table__.c.title)).all())

    def rows() -> Iterator[dict[str, Any]]:
        for user_id, chosen in world.enrolled.items():
            for index in chosen[: rng.choice((0, 1, 1, 2, 2, 3))]:
                course = world.courses[index]
                at = utc(rng.uniform(1, 300))
                yield {
                    "user_id": user_id, "source": "course", "course_id": course.id, "record_id": None,
                    "title": titles[course.id], "competency": "teknis", "method": "e-learning",
                    "organiser": "BKPSDM", "jp": rng.choice((2, 4, 8, 12, 20)), "started_on": at.date(),
                    "ended_on": at.date(), "earned_at": at, "created_at": at,
                }  # fmt: skip

    return bulk(conn, table, rows())


CERTIFICATES = 2000


def seed_certificates(conn: Connection, world: World, rng: random.Random) -> int:
    """Certificates for the first ledger entries (one rendered PDF shared by all: the bytes do not
    matter to the verify page); their codes go to ``world.certificates``."""
    from elearn.certificates.document import CertificateDocument
    from elearn.certificates.models import Certificate, CertificatePdf
    from elearn.certificates.pdf import render_certificate
    from elearn.certificates.services import new_code
    from elearn.reports.models import JpEntry

    ledger = JpEntry.__table__
    entries = conn.execute(
        select(ledger.c.user_id, ledger.c.course_id, ledger.c.title, ledger.c.jp, ledger.c.earned_at)
        .order_by(ledger.c.id)
        .limit(CERTIFICATES * world.scale)
    ).all()
    codes = [new_code() for _ in entries]
    rows = [
        {
            "code": code,
            "number": f"BENCH/{n:07d}",
            "user_id": user_id,
            "course_id": course_id,
            "name": "Peserta",
            "nip": None,
            "unit": None,
            "position": None,
            "course_code": "BENCH",
            "course_title": title,
            "jp": jp,
            "completed_at": at,
            "issued_at": at,
            "issued_by_id": None,
            "is_signed": False,
            "revoked_at": None,
            "revoked_reason": None,
            "revoked_by_id": None,
        }  # fmt: skip
        for n, (code, (user_id, course_id, title, jp, at)) in enumerate(zip(codes, entries, strict=True), 1)
    ]
    count = bulk(conn, Certificate.__table__, rows)
    sample = rows[0] if rows else None
    if sample is not None:
        pdf = render_certificate(
            CertificateDocument(
                "BKPSDM",
                "Peserta",
                None,
                None,
                None,
                sample["course_title"],
                "BENCH",
                sample["jp"],
                sample["completed_at"].date(),
                sample["issued_at"].date(),
                "BENCH/0000001",
                f"http://127.0.0.1/verify/{sample['code']}",
                "Penandatangan",
                None,
                "Kepala",
            )  # fmt: skip
        )
        ids = conn.execute(select(Certificate.__table__.c.id)).scalars().all()
        bulk(conn, CertificatePdf.__table__, [{"certificate_id": i, "size": len(pdf), "data": pdf} for i in ids])
    world.certificates = codes[:1000]
    return count


def seed_coordinator_token(conn: Connection, world: World, rng: random.Random) -> int:
    """A bearer token for ``koordinator.1`` (the JP report scenario)."""
    import secrets

    from elearn.accounts.hashing import token_digest

    users = tables()["users"]
    coordinator = conn.execute(select(users.c.id).where(users.c.username == "koordinator.1")).scalar_one()
    world.coordinator_token = secrets.token_urlsafe(32)
    row = {"user_id": coordinator, "token_hash": token_digest(world.coordinator_token), "created_at": utc(1),
           "expires_at": utc(-30)}  # fmt: skip
    return bulk(conn, tables()["api_tokens"], [row])


def seed_finished_attempts(conn: Connection, world: World, rng: random.Random) -> int:
    """``FINISHED_ATTEMPTS x scale`` finished first attempts of quizzes in learners' courses, each with its
    ``quiz_results`` row (about 70 % passed). Their layouts are empty: only review pages read them."""
    from elearn.quizzes.models import FINISHED, Attempt, QuizResult

    target = FINISHED_ATTEMPTS * world.scale
    pairs = [(user_id, index) for user_id, chosen in world.enrolled.items() for index in chosen]
    rng.shuffle(pairs)
    picked: list[tuple[int, int, dt.datetime, float]] = []
    for user_id, index in pairs[:target]:
        quizzes = world.courses[index].quizzes
        if quizzes:
            picked.append((user_id, quizzes[0] if rng.random() < 0.6 else rng.choice(quizzes), utc(rng.uniform(1, 300)),
                           rng.choice((40.0, 60.0, 70.0, 80.0, 100.0))))  # fmt: skip
    attempts = (
        {
            "quiz_id": quiz_id,
            "user_id": user_id,
            "number": 1,
            "state": FINISHED,
            "started_at": at,
            "deadline_at": None,
            "finished_at": at,
            "saved_at": at,
            "score": grade / 10,
            "max_score": 10,
            "grade": grade,
            "is_passed": grade >= 70,
            "layout": [],
        }  # fmt: skip
        for user_id, quiz_id, at, grade in picked
    )
    count = bulk(conn, Attempt.__table__, attempts)
    results = (
        {
            "user_id": user_id,
            "quiz_id": quiz_id,
            "grade": grade,
            "is_passed": grade >= 70,
            "attempts_used": 1,
            "passed_at": at if grade >= 70 else None,
            "updated_at": at,
        }  # fmt: skip
        for user_id, quiz_id, at, grade in picked
    )
    bulk(conn, QuizResult.__table__, results)
    return count


#: Run in this order in one transaction; each returns the rows it inserted. A seeder for a new
#: feature (finished quiz attempts, certificates) is one more function here: see bench/README.md.
SEEDERS: list[tuple[str, Callable[[Connection, World, random.Random], int]]] = [
    ("units", seed_units),
    ("users", seed_users),
    ("enrolments", seed_enrolments),
    ("completions", seed_completions),
    ("tokens", seed_tokens),
    ("jp ledger", seed_ledger),
    ("certificates", seed_certificates),
    ("coordinator token", seed_coordinator_token),
    ("finished attempts", seed_finished_attempts),
]


def _answer(question: dict[str, Any]) -> Any:
    """A valid (not necessarily right) answer to a question as the API shows it."""
    kind, options = question["type"], question.get("options") or []
    if kind in ("single", "truefalse"):
        return options[0]["id"]
    if kind == "multiple":
        return [options[0]["id"]]
    if kind == "matching":
        return {left["id"]: right["id"] for left, right in zip(question["left"], question["right"], strict=True)}
    return "20"


def open_attempts(database_url: str, world: World, count: int) -> int:
    """Open ``count`` attempts through the real API (in this process): token learners, round robin over
    the quizzes open to them; each keeps a valid answer to every question for the autosave and submit
    bodies. Returns the number opened."""
    from inprocess import make_app

    app = make_app(database_url)
    client = app.test_client(use_cookies=False)
    queues = [
        (learner, [q for code in learner.courses for q in world.course(code).open_quizzes])
        for learner in world.learners
    ]
    while len(world.attempts) < count and any(quizzes for _learner, quizzes in queues):
        for learner, quizzes in queues:
            if not quizzes or len(world.attempts) >= count:
                continue
            quiz_id = quizzes.pop(0)
            headers = {"Authorization": f"Bearer {learner.token}"}
            response = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers)
            if response.status_code != 201:
                raise RuntimeError(f"starting quiz {quiz_id} as {learner.username}: {response.status_code} "
                                   f"{response.get_data(as_text=True)[:300]}")  # fmt: skip
            body = response.get_json()
            answers = {str(q["id"]): _answer(q) for q in body["questions"]}
            world.attempts.append(OpenAttempt(learner.user_id, quiz_id, body["id"], answers))
    return len(world.attempts)


def write_tree(root: Path, seed: int) -> int:
    """Generate the course tree (every other course not sequential); the number of counted items."""
    items, _edit = generate(root, COURSES, MODULES, LESSONS, seed)
    for n, course_md in enumerate(sorted(root.glob("*/course.md"))):
        if n % 2 == 1:
            course_md.write_text(course_md.read_text(encoding="utf-8").replace("---\n", "---\nsequential: false\n", 1))
    return items


def load_content(database_url: str, work: Path, seed: int) -> str:
    """Load the generated tree through the real ``elearn content load``; its summary line."""
    tree = work / "content"
    if not tree.is_dir():
        tree.mkdir(parents=True)
        write_tree(tree, seed)
    run = run_cli(["content", "load", str(tree)], cli_env(database_url), work)
    if run.returncode != 0:
        raise RuntimeError(f"elearn content load failed:\n{run.stderr[-2000:]}")
    return run.last_line()


def read_courses(conn: Connection) -> list[CourseInfo]:
    """The loaded courses with their lessons in course order and their media files."""
    from elearn.models import Course, Lesson, MediaFile, Module, Quiz

    course, lesson, module, media = Course.__table__, Lesson.__table__, Module.__table__, MediaFile.__table__
    quiz = Quiz.__table__
    quizzes: dict[int, list[tuple[int, int]]] = {}
    ordered_quizzes = (
        select(quiz.c.course_id, quiz.c.id, module.c.position)
        .join(module, module.c.id == quiz.c.module_id)
        .where(quiz.c.archived_at.is_(None), module.c.archived_at.is_(None))
        .order_by(quiz.c.course_id, module.c.position, quiz.c.position)
    )
    for course_id, quiz_id, position in conn.execute(ordered_quizzes):
        quizzes.setdefault(course_id, []).append((quiz_id, position))
    lessons: dict[int, list[tuple[int, int]]] = {}
    ordered = (
        select(lesson.c.course_id, lesson.c.id, module.c.position)
        .join(module, module.c.id == lesson.c.module_id)
        .where(lesson.c.archived_at.is_(None), module.c.archived_at.is_(None))
        .order_by(lesson.c.course_id, module.c.position, lesson.c.position)
    )
    for course_id, lesson_id, position in conn.execute(ordered):
        lessons.setdefault(course_id, []).append((lesson_id, position))
    files: dict[int, list[tuple[str, str]]] = {}
    for course_id, path, sha in conn.execute(select(media.c.course_id, media.c.path, media.c.sha256)):
        files.setdefault(course_id, []).append((path, sha))
    found = []
    rows = conn.execute(select(course.c.id, course.c.code, course.c.is_sequential).order_by(course.c.code))
    for course_id, code, sequential in rows:
        items = lessons.get(course_id, [])
        first = min((position for _id, position in items), default=0)
        open_ones = [i for i, position in items if not sequential or position == first]
        tests = quizzes.get(course_id, [])
        open_tests = [i for i, position in tests if not sequential or position == first]
        found.append(
            CourseInfo(
                code,
                course_id,
                sequential,
                [i for i, _p in items],
                open_ones,
                files.get(course_id, []),
                [i for i, _p in tests],
                open_tests,
            )  # fmt: skip
        )
    return found


def seed(
    database_url: str, work: Path, *, scale: int = 1, tokens: int = 1000, attempts: int = 3000, rng_seed: int = 2026
) -> World:
    """Build the whole deployment in ``database_url`` (migrated, empty); writes ``work/world.json``."""
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rng_seed)
    world = World(scale, BENCH_PASSWORD, tokens)
    start = time.perf_counter()
    summary = load_content(database_url, work, rng_seed)
    world.seconds["content load"] = time.perf_counter() - start
    print(f"  content load: {summary} ({world.seconds['content load']:.1f} s)", flush=True)
    engine = create_engine(database_url)
    with engine.begin() as conn:
        world.courses = read_courses(conn)
        for name, seeder in SEEDERS:
            start = time.perf_counter()
            world.counts[name] = seeder(conn, world, rng)
            world.seconds[name] = time.perf_counter() - start
            print(f"  {name}: {world.counts[name]} rows ({world.seconds[name]:.1f} s)", flush=True)
    if engine.dialect.name == "postgresql":
        # Autovacuum would analyse the new rows soon after; a server measured before then plans blind.
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()
    start = time.perf_counter()
    world.counts["open attempts"] = open_attempts(database_url, world, attempts)
    world.seconds["open attempts"] = time.perf_counter() - start
    print(f"  open attempts: {world.counts['open attempts']} through POST /api/v1/quizzes/{{id}}/attempts "
          f"({world.seconds['open attempts']:.1f} s)", flush=True)  # fmt: skip
    world.save(work / "world.json")
    return world


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="an empty SQLite or PostgreSQL database")
    parser.add_argument("--scale", type=int, default=1, help="multiplies people, enrolments and completions")
    parser.add_argument("--tokens", type=int, default=1000, help="learners given a bearer token")
    parser.add_argument("--work", type=Path, default=Path("instance/bench"), help="content tree and world.json go here")
    parser.add_argument(
        "--attempts", type=int, default=3000, help="open quiz attempts (1000 autosaved, the rest submitted)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    start = time.perf_counter()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade = run_cli(["db", "upgrade"], cli_env(args.database_url), Path.cwd())
    if upgrade.returncode != 0:
        print(upgrade.stderr, file=sys.stderr)
        return 1
    print(f"elearn db upgrade ({upgrade.seconds:.1f} s)", flush=True)
    world = seed(
        args.database_url, args.work, scale=args.scale, tokens=args.tokens, attempts=args.attempts, rng_seed=args.seed
    )
    print(f"seeded scale {world.scale} in {time.perf_counter() - start:.1f} s; {args.work / 'world.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
