"""Profile one HTTP scenario in-process under pyinstrument: where a hot path's time goes.

Usage (from the repository root)::

    .venv/bin/python bench/http_profile.py page_catalogue            # seeds a fresh SQLite in a temp dir first
    .venv/bin/python bench/http_profile.py api_lesson -n 500 --database-url URL --world DIR/world.json

Runs the elearn app in this process (``create_app`` with the benchmarked servers'
settings) and sends ``-n`` requests of the scenario (``scenarios.py``) through a
Flask test client: first unprofiled (the mean in-process time per request), then
under pyinstrument. Session scenarios sign a few learners in through the real
form first. Writes ``bench/out/profile-SCENARIO-BACKEND-YYYY-MM-DD-HHMM.html``
and ``.txt`` and prints the text profile. ``--world`` reuses a database seeded by
``seed.py`` or kept by ``http_load.py --keep`` (its ``world.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchlib import cli_env, run_cli
from inprocess import make_app, send
from scenarios import Scenario, attempt_request, by_name, make_request
from seed import World, seed
from sessions import sign_in_test_client

BENCH = Path(__file__).resolve().parent
FLAT_LINES = 40


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", help="a scenario name from scenarios.py, e.g. page_catalogue")
    parser.add_argument("-n", "--requests", type=int, default=300, help="requests to time and to profile")
    parser.add_argument("--database-url", help="a seeded database (needs --world); default: seed a temp SQLite")
    parser.add_argument("--world", type=Path, help="the world.json written when that database was seeded")
    parser.add_argument("--sessions", type=int, default=10, help="learners to sign in for session scenarios")
    parser.add_argument("--interval", type=float, default=0.001, help="pyinstrument sampling interval (s)")
    parser.add_argument("--results", type=Path, default=BENCH / "out", help="where the profiles go (not committed)")
    return parser.parse_args()


def fresh_world(work: Path) -> tuple[str, World]:
    """Migrate and seed a new SQLite database under ``work``."""
    url = f"sqlite:///{work / 'elearn.db'}"
    upgrade = run_cli(["db", "upgrade"], cli_env(url), work)
    if upgrade.returncode != 0:
        raise SystemExit(f"elearn db upgrade failed:\n{upgrade.stderr[-2000:]}")
    return url, seed(url, work)


def main() -> int:
    args = parse_args()
    scenario = by_name([args.scenario])[0]
    work = Path(tempfile.mkdtemp(prefix="elearn-bench-profile-"))
    try:
        if args.database_url:
            if args.world is None:
                raise SystemExit("--database-url needs --world (the world.json of that database)")
            url, world = args.database_url, World.load(args.world)
        else:
            print("seeding a fresh SQLite database (scale 1)...", flush=True)
            url, world = fresh_world(work)
        return profile(url, world, scenario, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def profile(url: str, world: World, scenario: Scenario, args: argparse.Namespace) -> int:
    """Time and profile ``args.requests`` requests; write the profile files."""
    from pyinstrument import Profiler

    app = make_app(url)
    if scenario.auth == "session":
        for learner in world.learners[: args.sessions]:
            learner.cookie = sign_in_test_client(app.test_client(), learner.username, world.password)
    client = app.test_client(use_cookies=False)
    rng = random.Random(11)
    wanted = args.requests * 2 + 20
    if scenario.once:  # each request once: the submit pool's attempts in order (a seeded database is used up)
        if len(world.submit_pool) < wanted:
            raise SystemExit(
                f"{scenario.name} needs {wanted} unsubmitted attempts; seed with --attempts {wanted + 1000}"
            )
        requests = [attempt_request(scenario, world, attempt) for attempt in world.submit_pool[:wanted]]
    else:
        requests = [make_request(scenario, world, rng) for _ in range(wanted)]
    for request in requests[:20]:  # warm-up: templates compiled, pool filled
        send(client, request)
    statuses: Counter[int] = Counter()
    start, cpu = time.perf_counter(), time.process_time()
    for request in requests[20 : 20 + args.requests]:
        statuses[send(client, request).status_code] += 1
    plain = (time.perf_counter() - start) / args.requests
    cpu = (time.process_time() - cpu) / args.requests  # steadier than wall time on a shared machine
    profiler = Profiler(interval=args.interval)
    profiler.start()
    for request in requests[20 + args.requests :]:
        statuses[send(client, request).status_code] += 1
    profiler.stop()
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    stem = f"profile-{scenario.name}-{backend}-{dt.datetime.now():%Y-%m-%d-%H%M}"
    args.results.mkdir(parents=True, exist_ok=True)
    html, text = args.results / f"{stem}.html", args.results / f"{stem}.txt"
    html.write_text(profiler.output_html(), encoding="utf-8")
    summary = (
        f"{scenario.title} on {backend}: {args.requests} requests in-process,"
        f" {plain * 1000:.2f} ms each without the profiler (CPU {cpu * 1000:.2f} ms); statuses {dict(statuses)}\n\n"
    )
    tree = profiler.output_text(unicode=True, color=False)
    flat = profiler.output_text(unicode=True, color=False, flat=True).splitlines()
    top = "\n".join(flat[: FLAT_LINES + 8])  # the header lines, then the functions with the most own time
    text.write_text(f"{summary}{tree}\n--- by own time ---\n{top}\n", encoding="utf-8")
    print(text.read_text(encoding="utf-8"))
    print(f"written {html} and {text}")
    return 0 if all(200 <= status < 300 for status in statuses) else 1


if __name__ == "__main__":
    sys.exit(main())
