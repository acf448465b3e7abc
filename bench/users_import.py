"""Benchmark ``elearn users import`` with 10 000 new learners, and the Argon2 cost of given passwords.

Usage (from the repository root)::

    .venv/bin/python bench/users_import.py                      # SQLite in a temp dir
    .venv/bin/python bench/users_import.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/elearn_bench

Measures, with ``time.perf_counter()`` around subprocess runs of the real CLI:

1. importing 10 000 new learners without passwords (valid unique NIPs, ~30
   unit paths): stdout must hold exactly one ``username,password`` line per
   user (16 Crockford base32 characters), stderr ``10000 created, 0 updated``;
2. importing the same file again: ``0 created, 10000 updated``, no passwords;
3. 200 new users without passwords, then 200 other new users WITH given
   passwords (Argon2id): the difference per row is the cost of the slow KDF;
4. in-process, ``hashing.hash_password`` timed directly.

The PostgreSQL database must exist and be empty; the script runs ``elearn db
upgrade`` itself. Exits 1 when a command failed or printed something unexpected.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchlib import Report, Run, check_ok, cli_env, describe_database, expect_line, load_average, machine, run_cli

COLUMNS = ["username", "nip", "name", "email", "unit", "position", "role", "password"]
GENERATED = re.compile(r"[0-9A-HJKMNP-TV-Z]{16}")  # Crockford base32, 80 bits
TODAY = date(2026, 11, 24)

FIRST_NAMES = """
Agus Budi Citra Dewi Eko Fitri Gita Hadi Indah Joko Kartika Lestari Made Nur Oktavia Putu Rina Sari
Teguh Utami Wahyu Yohanes Yuliana Zainal Andi Bayu Dian Ferry Hendra Ika Ketut Lukas Maria Nyoman Rahmat
""".split()
LAST_NAMES = """
Saputra Wijaya Kurniawan Lestari Pratama Hidayat Siregar Nasution Simanjuntak Manuputty Rumbiak Wanggai
Situmorang Harahap Santoso Wibowo Setiawan Rahayu Susanti Hakim Sitompul Tanjung Kambu Mandowen Tamher
""".split()
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
    "Sekretariat Daerah/Bagian Organisasi",
]
UNITS = [f"{government}/{agency}" for government in GOVERNMENTS for agency in AGENCIES]  # 30 paths
POSITIONS = ["Analis Kebijakan", "Pranata Komputer", "Perawat", "Guru", "Pengelola Layanan", "Arsiparis", ""]


def nip(rng: random.Random, taken: set[str]) -> str:
    """A valid, unused NIP: real birth date, start of service after the 18th birthday, sex, serial."""
    while True:
        year = rng.randint(1966, 2004)
        month = rng.randint(1, 12)
        day = rng.randint(1, calendar.monthrange(year, month)[1])
        start_year = min(year + rng.randint(19, 35), TODAY.year - 1)
        value = f"{year:04d}{month:02d}{day:02d}{start_year:04d}{rng.randint(1, 12):02d}{rng.choice('12')}"
        value += f"{rng.randint(1, 999):03d}"
        if value not in taken:
            taken.add(value)
            return value


def write_users(
    path: Path, count: int, rng: random.Random, taken: set[str], *, prefix: str, passwords: bool
) -> list[str]:
    """Write a users CSV of ``count`` new learners; returns the usernames in file order."""
    usernames = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(1, count + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            username = f"{prefix}{first}.{last}.{i:05d}".lower()
            usernames.append(username)
            email = f"{username}@{rng.choice(['sorongkota', 'manokwarikab', 'ambon', 'kupangkab'])}.go.id"
            password = f"Sandi-{rng.getrandbits(48):012x}" if passwords else ""
            writer.writerow(
                [
                    username,
                    nip(rng, taken),
                    f"{first} {last}",
                    email,
                    rng.choice(UNITS),
                    rng.choice(POSITIONS),
                    "learner",
                    password,
                ]
            )
    return usernames


def check_generated(report: Report, label: str, run: Run, usernames: list[str]) -> str:
    """Check stdout holds one ``username,password`` line per new user; a note for the table."""
    lines = run.stdout.splitlines()
    good = 0
    seen = set()
    for line in lines:
        name, _, password = line.partition(",")
        if GENERATED.fullmatch(password):
            good += 1
            seen.add(name)
    if len(lines) != len(usernames) or good != len(usernames) or seen != set(usernames):
        report.problem(
            f"{label}: expected {len(usernames)} 'username,password' lines for exactly the new users,"
            f" got {len(lines)} lines, {good} well-formed, {len(seen & set(usernames))} of the new usernames"
        )
    return f"stdout: {good} `username,password` lines"


def stderr_summary(run: Run) -> str:
    """The last stderr line (the import's ``N created, N updated``)."""
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def argon2_in_process(rounds: int) -> tuple[float, float, str]:
    """Wall and CPU seconds per ``hash_password`` call, measured in this process, and the parameters."""
    from elearn.accounts import hashing

    hasher = hashing._argon2  # private, read only for its parameters
    params = f"t={hasher.time_cost}, m={hasher.memory_cost // 1024} MiB, p={hasher.parallelism}"
    hashing.hash_password("pemanasan-dulu-123")
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(rounds):
        hashing.hash_password(f"Sandi-bench-{i:04d}")
    return (time.perf_counter() - wall) / rounds, (time.process_time() - cpu) / rounds, params


def bench_database(
    url: str, work: Path, files: dict[str, tuple[Path, list[str]]], argon2: tuple[float, float, str]
) -> bool:
    """Run the imports against one database; whether anything went wrong."""
    name = describe_database(url)
    count = len(files["big"][1])
    report = Report(f"users import: {name} ({machine()}, {load_average()})")
    env = cli_env(url)
    print(f"\n== {name} ==", flush=True)
    upgrade = run_cli(["db", "upgrade"], env, work)
    if not check_ok(report, upgrade, "elearn db upgrade"):
        report.print()
        return True
    startup = run_cli(["users", "--help"], env, work)
    check_ok(report, startup, "elearn users --help")
    report.add_run("CLI start-up (elearn users --help)", startup, "import + create_app, no work")

    big, big_users = files["big"]
    first = run_cli(["users", "import", str(big)], env, work)
    note = ""
    if check_ok(report, first, "first import"):
        expect_line(report, "first import stderr", stderr_summary(first), f"{count} created, 0 updated")
        note = check_generated(report, "first import", first, big_users)
    verdict = "OK" if first.seconds < 60 else "MISSED"
    report.add_run(
        f"import {count} new learners, no passwords",
        first,
        f"{note}; `{stderr_summary(first)}`; {first.seconds / count * 1000:.2f} ms/row; < 60 s: {verdict}",
    )

    again = run_cli(["users", "import", str(big)], env, work)
    if check_ok(report, again, "second import"):
        expect_line(report, "second import stderr", stderr_summary(again), f"0 created, {count} updated")
        if again.stdout.strip():
            report.problem(f"second import: expected no stdout, got {len(again.stdout.splitlines())} lines")
    report.add_run(
        f"import the same {count} again (all updates)",
        again,
        f"`{stderr_summary(again)}`; {len(again.stdout.splitlines())} stdout lines",
    )

    plain, plain_users = files["plain"]
    small = run_cli(["users", "import", str(plain)], env, work)
    if check_ok(report, small, "small file without passwords"):
        expected = f"{len(plain_users)} created, 0 updated"
        expect_line(report, "small file without passwords stderr", stderr_summary(small), expected)
        check_generated(report, "small file without passwords", small, plain_users)
    report.add_run(f"import {len(plain_users)} new, no passwords (baseline)", small, f"`{stderr_summary(small)}`")

    given, given_users = files["given"]
    slow = run_cli(["users", "import", str(given)], env, work)
    if check_ok(report, slow, "small file with passwords"):
        expected = f"{len(given_users)} created, 0 updated"
        expect_line(report, "small file with passwords stderr", stderr_summary(slow), expected)
        if slow.stdout.strip():
            report.problem(f"small file with passwords: expected no stdout, got {len(slow.stdout.splitlines())} lines")
    per_row = (slow.seconds - small.seconds) / len(given_users)
    report.add_run(
        f"import {len(given_users)} new WITH passwords (Argon2id)",
        slow,
        f"`{stderr_summary(slow)}`; {per_row * 1000:.0f} ms/row more than the baseline",
    )
    wall, cpu, params = argon2
    report.add(
        f"Argon2id hash_password, in-process ({params})",
        wall,
        f"per call; 10 000 given passwords would add ~{10_000 * wall / 60:.0f} min",
        cpu,
    )
    report.print()
    return bool(report.problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="URL", help="also run against this (empty, existing) PostgreSQL database")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--given", type=int, default=200, help="rows in the file with given passwords")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (CSV files, SQLite file)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="elearn-bench-users-"))
    rng = random.Random(args.seed)
    taken: set[str] = set()
    files = {
        "big": (
            work / "users.csv",
            write_users(work / "users.csv", args.count, rng, taken, prefix="", passwords=False),
        ),
        "plain": (
            work / "plain.csv",
            write_users(work / "plain.csv", args.given, rng, taken, prefix="baru.", passwords=False),
        ),
        "given": (
            work / "given.csv",
            write_users(work / "given.csv", args.given, rng, taken, prefix="sandi.", passwords=True),
        ),
    }
    print(f"machine: {machine()}")
    print(
        f"files in {work}: {args.count} learners ({files['big'][0].stat().st_size / 1e6:.1f} MB) over {len(UNITS)}"
        f" unit paths; {args.given} without and {args.given} with passwords",
        flush=True,
    )
    argon2 = argon2_in_process(20)

    targets: list[str] = []
    if not args.no_sqlite:
        targets.append(f"sqlite:///{work / 'bench.db'}")
    if args.postgres:
        targets.append(args.postgres)
    failed = False
    for url in targets:
        failed |= bench_database(url, work, files, argon2)
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
