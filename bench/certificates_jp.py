"""Benchmark certificates issued per second (with and without a signature) and the JP report.

Usage (from the repository root)::

    .venv/bin/python bench/certificates_jp.py                       # scratch SQLite, 20 000 learners
    .venv/bin/python bench/certificates_jp.py --database-url postgresql+psycopg://postgres@127.0.0.1/elearn_bench \\
        --learners 100000                                              # an EMPTY PostgreSQL database

Issuing is timed in this process as a completing request does it: ``issue_certificate`` for one
completed enrolment (snapshot, number from the counter row, PDF render, optional PAdES signature,
stored PDF) and a commit, one certificate after another. The JP report is timed on ``--learners``
learners in 5 governments x 8 agencies with about 3 ledger entries each (2025 and 2026), after
ANALYZE on PostgreSQL: the first page for an admin (everyone), for a coordinator of one government,
the whole CSV (every row streamed from the database) and the dashboard. Each figure is the median
of ``--repeat`` runs. The database is migrated here and left filled.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchlib import Report, load_average, machine
from certificates_pdf import throwaway_p12
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select, text

GOVERNMENTS = 5
AGENCIES = 8
CHUNK = 10_000
NO_SIGN_IN = "!"  # noqa: S105 - matches no password: bench people never sign in


def make_app(database_url: str, **config: str) -> Flask:
    """An app on the bench database."""
    from elearn import create_app

    return create_app({"ELEARN_DATABASE_URL": database_url, "ELEARN_SECRET_KEY": "b" * 40, **config})


def timed(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall seconds of ``repeat`` runs of ``work``, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def seed_people(learners: int, rng: random.Random) -> list[int]:
    """Units and learners, bulk-inserted; their ids."""
    from elearn.accounts.models import Unit, User
    from elearn.extensions import db

    units = []
    for g in range(GOVERNMENTS):
        government = Unit(name=f"Pemerintah {g}", path=f"Pemerintah {g}")
        db.session.add(government)
        db.session.flush()
        for a in range(AGENCIES):
            unit = Unit(name=f"Dinas {a}", path=f"Pemerintah {g}/Dinas {a}", parent_id=government.id)
            db.session.add(unit)
            units.append(unit)
    db.session.flush()
    unit_ids = [u.id for u in units]
    created = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for start in range(0, learners, CHUNK):
        rows = [
            {"username": f"pegawai{i:07d}", "nip": None,
             "name": f"Pegawai {i}", "role": "learner", "password_hash": NO_SIGN_IN, "unit_id": rng.choice(unit_ids),
             "is_active": True, "must_change_password": False, "created_at": created}
            for i in range(start, min(start + CHUNK, learners))
        ]  # fmt: skip
        db.session.execute(insert(User), rows)
    db.session.commit()
    return list(db.session.scalars(select(User.id).order_by(User.id)))


def ledger_rows(user_ids: list[int], rng: random.Random) -> Iterator[dict[str, Any]]:
    """About three external ledger entries per learner over 2025-2026."""
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for user_id in user_ids:
        for _ in range(rng.choice((1, 2, 3, 3, 4, 5))):
            at = start + dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            yield {
                "user_id": user_id, "source": "external", "title": "Seminar", "method": "seminar",
                "competency": rng.choice(("teknis", "manajerial", "sosial-kultural")), "organiser": "BKPSDM",
                "jp": rng.choice((2, 4, 6, 8, 12, 16)), "started_on": at.date(), "ended_on": at.date(),
                "earned_at": at, "created_at": at,
            }  # fmt: skip


def seed_ledger(user_ids: list[int], rng: random.Random) -> int:
    """Bulk-insert the ledger; how many entries."""
    from elearn.extensions import db
    from elearn.reports.models import JpEntry

    count, batch = 0, []
    for row in ledger_rows(user_ids, rng):
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(insert(JpEntry), batch)
            count, batch = count + len(batch), []
    if batch:
        db.session.execute(insert(JpEntry), batch)
        count += len(batch)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return count


def bench_issuing(database_url: str, report: Report, count: int, signer_config: dict[str, str], label: str) -> None:
    """Issue ``count`` certificates one by one, each committed; a row with the rate."""
    from elearn.accounts.models import User
    from elearn.catalogue.models import Course
    from elearn.certificates.services import issue_certificate
    from elearn.enrolment.models import Enrolment
    from elearn.extensions import db

    app = make_app(database_url, **signer_config)
    with app.app_context():
        code = f"BEN-{label[:3].upper()}"
        course = Course(code=code, title="Kursus Uji Beban Sertifikat", jp=20, competency="teknis")
        db.session.add(course)
        db.session.flush()
        people = [
            User(username=f"sertifikat.{label}.{n}", name=f"Peserta Uji {n}", password_hash=NO_SIGN_IN, role="learner")
            for n in range(count)
        ]
        db.session.add_all(people)
        db.session.flush()
        done = dt.datetime.now(dt.UTC)
        enrolments = [Enrolment(user_id=p.id, course_id=course.id, status="active", completed_at=done) for p in people]
        db.session.add_all(enrolments)
        db.session.commit()
        issue_certificate(enrolments[0])  # the first render registers the fonts
        db.session.commit()
        wall, cpu = time.perf_counter(), time.process_time()
        for enrolment in enrolments[1:]:
            issue_certificate(enrolment)
            db.session.commit()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        issued = count - 1
        each, each_cpu = 1000 * wall / issued, 1000 * cpu / issued
        note = f"{issued / wall:.0f} certificates/s; {each:.1f} ms each (CPU {each_cpu:.1f} ms)"
        report.add(f"issue {issued} certificates {label} (one commit each)", wall, note, cpu)
        db.engine.dispose()


def bench_report(database_url: str, report: Report, learners: int, repeat: int) -> None:
    """Seed ``learners`` with a ledger and time the JP report, its CSV and the dashboard."""
    from elearn.accounts.models import User
    from elearn.catalogue.policy import Actor
    from elearn.extensions import db
    from elearn.reports.queries import dashboard, jp_report, jp_rows

    rng = random.Random(2026)
    app = make_app(database_url)
    with app.app_context():
        start = time.perf_counter()
        ids = seed_people(learners, rng)
        entries = seed_ledger(ids, rng)
        report.add(f"seed {len(ids)} learners and {entries} ledger entries", time.perf_counter() - start)
        admin = User(username="admin.bench", name="Admin", role="admin", password_hash=NO_SIGN_IN)
        db.session.add(admin)
        db.session.commit()
        everyone = Actor(admin.id, admin.username, "admin", None)
        coordinator = Actor(admin.id + 1, "koordinator", "coordinator", "Pemerintah 0")
        cases: list[tuple[str, Callable[[], object]]] = [
            ("JP report, admin, first page of 50 (all learners)", lambda: jp_report(everyone, 2026)),
            ("JP report, admin, page 1000", lambda: jp_report(everyone, 2026, page=1000)),
            ("JP report, coordinator of one government, first page", lambda: jp_report(coordinator, 2026)),
            ("JP report, admin, competency filter", lambda: jp_report(everyone, 2026, competency="teknis")),
            ("JP report CSV rows, admin (every row)", lambda: sum(1 for _ in jp_rows(everyone, 2026))),
            ("dashboard, admin", lambda: dashboard(everyone, 2026)),
        ]
        for label, work in cases:
            seconds, result = timed(work, repeat)
            total = getattr(result, "total", getattr(result, "people", result))
            report.add(label, seconds, f"median of {repeat}; {total} learners")
            db.session.rollback()
        db.engine.dispose()


def main() -> int:
    """Run both benchmarks and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="an EMPTY database (default: a scratch SQLite file)")
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--issue", type=int, default=201, help="certificates to issue with and without a signature")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        url = args.database_url or f"sqlite:///{temp}/bench.db"
        with make_app(url).app_context():
            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        report = Report(f"Certificates and JP report on {url.split(':')[0]} ({machine()}, {load_average()})")
        bench_issuing(url, report, args.issue, {}, "unsigned")
        p12, _trusted = throwaway_p12(Path(temp), b"bench-passphrase")
        signing = {"ELEARN_CERT_SIGNING_P12": str(p12), "ELEARN_CERT_SIGNING_PASSPHRASE": "bench-passphrase"}
        bench_issuing(url, report, args.issue, signing, "signed")
        bench_report(url, report, args.learners, args.repeat)
        report.print()
        return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
