"""HTTP benchmark: every hot path as req/s, p50/p99, and its ratio to a floor measured in the same run.

Usage (from the repository root; ``make bench`` runs it with ``--update-docs``)::

    .venv/bin/python bench/http_load.py                        # SQLite (WAL file) only
    .venv/bin/python bench/http_load.py --postgres auto        # + a scratch PostgreSQL database on 127.0.0.1:5432
    .venv/bin/python bench/http_load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/elearn_bench
    .venv/bin/python bench/http_load.py --scenarios api_lesson page_lesson --duration 20 --gthread

For each backend: ``elearn db upgrade``, seed (``seed.py``), then the elearn
app (``gunicorn wsgi:app``) and the floor app (``gunicorn floor_app:app``) under
the same gunicorn settings on 127.0.0.1. Each scenario (``scenarios.py``) is
driven by Debian ``wrk`` with ``bench/wrk/requests.lua`` over many learners'
tokens or session cookies and many ids; the floor runs just before and just
after it. Then one request of each scenario runs in-process to count its SQL
statements. A scenario with any non-2xx answer or socket error is reported as
failed. Writes ``bench/results/YYYY-MM-DD-HHMM.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import floor_app
import inprocess
import results
import servers
from benchlib import cli_env, run_cli
from inprocess import count_queries, server_settings
from results import Header, Row, WrkResult
from scenarios import Scenario, by_name, write_requests
from seed import World, seed
from sessions import sign_in_many

BENCH = Path(__file__).resolve().parent
LUA = BENCH / "wrk" / "requests.lua"
INSTALL_WRK = "wrk is not installed: on Debian/Ubuntu run `apt-get install wrk` (as root), then run this again."


def run_wrk(
    server: servers.Server, request_file: Path, seconds: float, args: argparse.Namespace, *, once: bool = False
) -> WrkResult:
    """One wrk run against ``server`` with the requests of ``request_file`` (each sent once when ``once``)."""
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds:g}s",
        f"--timeout={args.timeout:g}s",
        "-s",
        str(LUA),
        server.base_url,
        "--",
        str(request_file),
        *(["once", str(args.threads)] if once else []),
    ]
    cpu = server.cpu_seconds()
    # Fixed argument list, no shell.
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)  # noqa: S603
    cpu = server.cpu_seconds() - cpu
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    result = WrkResult.from_json(json.loads(line.removeprefix("BENCH_JSON ")))
    result.cpu_ms = cpu * 1000 / result.requests if result.requests else None
    return result


def floor_files(work: Path) -> dict[str, Path]:
    """Request files of the two floors: reads over every item id, writes."""
    read, write = work / "floor_read.txt", work / "floor_write.txt"
    read.write_text("".join(f"GET\t/floor/read?id={i}\t\n" for i in range(1, floor_app.ITEMS + 1)), encoding="utf-8")
    write.write_text("GET\t/floor/write\t\n", encoding="utf-8")
    return {"read": read, "write": write}


def measure(
    backend: str,
    app: servers.Server,
    floor: servers.Server,
    plan: list[tuple[Scenario, Path]],
    floors: dict[str, Path],
    args: argparse.Namespace,
) -> list[Row]:
    """Run every scenario with a floor run just before and just after it (shared between neighbours)."""
    latest: dict[str, tuple[int, WrkResult]] = {}
    position = 0

    def floor_now(kind: str) -> WrkResult:
        cached = latest.get(kind)
        if cached is not None and cached[0] == position:  # nothing ran since: it is "just before" too
            return cached[1]
        result = run_wrk(floor, floors[kind], args.floor_duration, args)
        latest[kind] = (position, result)
        return result

    rows = []
    for scenario, request_file in plan:
        before = floor_now(scenario.kind)
        if args.warmup and not scenario.once:
            run_wrk(app, request_file, args.warmup, args)
        app.reset_peaks()
        result = run_wrk(app, request_file, args.duration, args, once=scenario.once)
        rss = app.peak_rss_mib()
        position += 1
        after = floor_now(scenario.kind)
        row = Row(scenario.title, backend, scenario.kind, result, before, after, rss_mib=rss)
        rows.append(row)
        state = f"FAILED: {result.errors} errors" if row.failed else f"ratio {result.rps / row.floor_rps:.3f}"
        print(
            f"  {scenario.name}: {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms;"
            f" floor {before.rps:.0f}/{after.rps:.0f}; {state}; CPU {result.cpu_ms or 0:.1f} ms/req;"
            f" RSS {rss:.0f} MiB; load {results.load_average()}",
            flush=True,
        )
    return rows


def serve(name: str, url: str, work: Path, settings: servers.ServerSettings) -> tuple[servers.Server, servers.Server]:
    """Start the elearn app and the floor app under ``settings``; both ready."""
    elearn_env = servers.server_env(server_settings(url))
    floor_env = servers.server_env({"FLOOR_DATABASE_URL": url})
    app = servers.start(f"elearn ({name})", "wsgi:app", elearn_env, settings, work / "elearn-gunicorn.log")
    floor = servers.start(
        f"floor ({name})", "floor_app:app", floor_env, settings, work / "floor-gunicorn.log", cwd=BENCH
    )
    try:
        servers.wait_ready(app, "/healthz")
        servers.wait_ready(floor, "/floor/health")
    except RuntimeError:
        app.stop()
        floor.stop()
        raise
    return app, floor


def run_backend(name: str, url: str, work: Path, args: argparse.Namespace, header: Header) -> list[Row]:
    """Migrate, seed, serve and measure one database; its rows."""
    print(f"\n== {name} ==", flush=True)
    upgrade = run_cli(["db", "upgrade"], cli_env(url), work)
    if upgrade.returncode != 0:
        raise RuntimeError(f"elearn db upgrade failed:\n{upgrade.stderr[-2000:]}")
    start = time.perf_counter()
    world = seed(url, work, scale=args.scale, tokens=args.tokens, attempts=args.attempts)
    seeded = time.perf_counter() - start
    floor_app.prepare(url)
    counts = ", ".join(f"{n} {c}" for n, c in world.counts.items())
    header.notes.append(f"{name}: seeded scale {args.scale} in {seeded:.1f} s ({counts})")
    scenarios = by_name(args.scenarios)
    variants = [servers.ServerSettings(args.workers, "sync")]
    if args.gthread:
        variants.append(servers.ServerSettings(args.workers, "gthread", args.gthread_threads))
    rows: list[Row] = []
    for number, settings in enumerate(variants):
        app, floor = serve(name, url, work, settings)
        try:
            if not any(learner.cookie for learner in world.learners):
                sign_in(app, world, args, header, name)
            plan = request_plan(scenarios, world, work, (number, len(variants)))
            floors = floor_files(work)
            for kind in ("read", "write"):  # warm the floor's workers and pool
                run_wrk(floor, floors[kind], 1, args)
            label = name if settings.worker_class == "sync" else f"{name}, {settings.label()}"
            rows += measure(label, app, floor, plan, floors, args)
        finally:
            app.stop()
            floor.stop()
    queries = count_queries(url, world, scenarios, random.Random(7))
    for row in rows:
        scenario = next(s for s in scenarios if s.title == row.scenario)
        row.queries, statuses = queries[scenario.name]
        row.queries_status = next((s for s in statuses if not 200 <= s < 300), None)
    return rows


def sign_in(app: servers.Server, world: World, args: argparse.Namespace, header: Header, name: str) -> None:
    """Session cookies for the first ``--sessions`` token learners, through the real sign-in form."""
    start = time.perf_counter()
    chosen = world.learners[: args.sessions]
    problems = sign_in_many(app.port, chosen, world.password, threads=4)
    for problem in problems[:5]:
        print(f"  sign-in problem: {problem}", file=sys.stderr)
    signed = sum(1 for learner in chosen if learner.cookie)
    seconds = time.perf_counter() - start
    print(f"  signed in {signed} learners through POST /login in {seconds:.1f} s", flush=True)
    header.notes.append(f"{name}: {signed} session cookies through the sign-in form in {seconds:.1f} s")
    if signed == 0:
        raise RuntimeError("no learner could sign in: the page scenarios cannot run")


def request_plan(
    scenarios: list[Scenario], world: World, work: Path, part: tuple[int, int]
) -> list[tuple[Scenario, Path]]:
    """Write each scenario's request file (``REQUESTS`` random requests, or a once-only scenario's
    ``part`` of its pool); the (scenario, file) pairs."""
    rng = random.Random(2026)
    plan = []
    for scenario in scenarios:
        path = work / f"requests-{scenario.name}.txt"
        write_requests(scenario, world, path, REQUESTS, rng, part)
        plan.append((scenario, path))
    return plan


REQUESTS = 4000


def postgres_target(option: str | None) -> tuple[str | None, str | None]:
    """(URL, scratch database to drop afterwards) for ``--postgres``: a URL, ``auto`` or nothing."""
    if not option:
        return None, None
    if option != "auto":
        return option, None
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", connect_args={"connect_timeout": 3})
    name = f"elearn_bench_{os.getpid()}"
    try:
        with admin.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        print(f"PostgreSQL skipped: nothing answers on 127.0.0.1:5432 as postgres ({error.orig})", flush=True)
        return None, None
    finally:
        admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name


def drop_scratch(name: str) -> None:
    """Drop the scratch PostgreSQL database made by ``postgres_target``."""
    from sqlalchemy import create_engine, text

    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    with admin.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        )
    admin.dispose()


def postgres_version(url: str) -> str:
    """The server's version."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        version = str(conn.scalar(text("SHOW server_version")))
    engine.dispose()
    return version


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--postgres",
        metavar="URL|auto",
        help="also measure PostgreSQL: an empty database's URL, or "
        "auto (a scratch database on 127.0.0.1:5432 if PostgreSQL answers there, dropped afterwards)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--scale", type=int, default=1, help="seed scale (1: 20 000 learners)")
    parser.add_argument("--tokens", type=int, default=1000, help="learners with a bearer token")
    parser.add_argument(
        "--attempts",
        type=int,
        default=3000,
        help="open quiz attempts to seed (1000 autosaved, the rest submitted once)",
    )
    parser.add_argument(
        "--redis", default="auto", help="rate counters in this Redis (auto: 127.0.0.1:6379/13 if it answers; none)"
    )
    parser.add_argument("--sessions", type=int, default=200, help="learners signed in through the form")
    parser.add_argument("--scenarios", nargs="*", help="names from scenarios.py (default: all)")
    parser.add_argument("--duration", type=int, default=8, help="seconds of wrk per scenario")
    parser.add_argument("--floor-duration", type=int, default=5, help="seconds of wrk per floor run")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of wrk before each scenario, not counted")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c")
    parser.add_argument("--timeout", type=int, default=10, help="wrk --timeout (seconds); a timeout is an error")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn --workers")
    parser.add_argument("--gthread", action="store_true", help="also measure under gunicorn gthread workers")
    parser.add_argument("--gthread-threads", type=int, default=4, help="gunicorn --threads with --gthread")
    parser.add_argument("--results", type=Path, default=BENCH / "results", help="where the Markdown goes")
    parser.add_argument("--update-docs", action="store_true", help="copy the table into docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (databases, logs, request files)")
    return parser.parse_args()


def settings_lines(args: argparse.Namespace) -> list[str]:
    """How the run was set up, for the results header."""
    served = f"gunicorn {args.workers} sync workers"
    if args.gthread:
        served += f" (and again with {args.workers} gthread workers x {args.gthread_threads} threads)"
    return [
        f"server: {served} on 127.0.0.1, `ELEARN_ENV=production`; the floor app under the same settings",
        "rate counters (verify page, sign-in limits): "
        + (f"Redis ({args.redis_used})" if args.redis_used else "in the database (no Redis)"),
        f"load: wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s per scenario after a {args.warmup:g} s"
        f" warm-up; floor runs -d{args.floor_duration:g}s; timeout {args.timeout:g} s",
        f"requests: each scenario draws at random from {REQUESTS} requests over {args.tokens} learners with a token"
        f" or the first {args.sessions} of them signed in through the form",
    ]


def redis_target(option: str) -> str:
    """The Redis URL for ``--redis``: a URL, ``auto`` (database 13 on 127.0.0.1:6379 when it answers,
    emptied first) or ``none``."""
    if option == "none":
        return ""
    url = "redis://127.0.0.1:6379/13" if option == "auto" else option
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()
        client.close()
    except redis.RedisError as error:
        if option != "auto":
            raise SystemExit(f"--redis {option}: {error}") from None
        return ""
    return url


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        print(INSTALL_WRK, file=sys.stderr)
        return 2
    inprocess.REDIS_URL = redis_target(args.redis)
    args.redis_used = inprocess.REDIS_URL
    header = Header(dt.datetime.now(), results.load_average(), settings_lines(args))
    print(f"load average {header.load_start}", flush=True)
    root = Path(tempfile.mkdtemp(prefix="elearn-bench-http-"))
    targets = [] if args.no_sqlite else [("SQLite", f"sqlite:///{root / 'sqlite' / 'elearn.db'}", root / "sqlite")]
    pg_url, scratch = postgres_target(args.postgres)
    if pg_url:
        targets.append(("PostgreSQL", pg_url, root / "postgresql"))
        header.postgres_version = postgres_version(pg_url)
    rows: list[Row] = []
    failed = False
    try:
        for name, url, work in targets:
            work.mkdir(parents=True)
            try:
                rows += run_backend(name, url, work, args, header)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"PROBLEM: {name}: {error}", file=sys.stderr, flush=True)
                header.notes.append(f"{name}: not measured: {str(error).splitlines()[0]}")
                failed = True
    finally:
        if scratch:
            drop_scratch(scratch)
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    header.load_end = results.load_average()
    path = results.write_results(header, rows, args.results)
    print()
    print(results.table(rows))
    print(f"\nwritten to {path}")
    if args.update_docs and not results.update_docs(header, rows, path, results.REPO / "docs" / "performance.md"):
        print("docs/performance.md has no table markers: not updated", file=sys.stderr)
    return 1 if failed or any(row.failed for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
