"""Results of the HTTP benchmarks: one row per scenario and backend, the run's header, the Markdown.

Written to ``bench/results/YYYY-MM-DD-HHMM.md``; the table is also copied into
``docs/performance.md`` between two marker comments.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
START_MARK = "<!-- bench:table:start -->"
END_MARK = "<!-- bench:table:end -->"


@dataclass
class WrkResult:
    """What one wrk run printed (``bench/wrk/requests.lua``'s JSON line)."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int
    first_bad_status: int
    cpu_ms: float | None = None  # the server workers' CPU time per request, when measured
    repeats: int = 0  # once-only requests sent again after their file ran out (a cheaper path)

    @property
    def rps(self) -> float:
        """Requests per second over the run."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        """Responses outside 2xx plus connect, read, write errors and timeouts."""
        return self.non2xx + self.socket_errors

    @classmethod
    def from_json(cls, data: dict[str, float]) -> WrkResult:
        """From the ``BENCH_JSON`` object."""
        sockets = data["connect_errors"] + data["read_errors"] + data["write_errors"] + data["timeouts"]
        return cls(
            requests=int(data["requests"]),
            seconds=data["duration_us"] / 1e6,
            p50_ms=data["p50_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            non2xx=int(data["non2xx"]),
            socket_errors=int(sockets),
            first_bad_status=int(data["first_bad_status"]),
            repeats=int(data.get("repeats", 0)),
        )


@dataclass
class Row:
    """One scenario on one backend."""

    scenario: str
    backend: str
    kind: str
    result: WrkResult
    floor_before: WrkResult
    floor_after: WrkResult
    queries: list[int] = field(default_factory=list)  # of identical requests in a row
    queries_status: int | None = None  # a status outside 2xx seen while counting
    rss_mib: float = 0.0

    @property
    def floor_rps(self) -> float:
        """The mean of the floor just before and just after."""
        return (self.floor_before.rps + self.floor_after.rps) / 2

    @property
    def failed(self) -> bool:
        """Any error fails the scenario: it is never reported as fast."""
        return self.result.errors > 0

    def cells(self) -> list[str]:
        """The Markdown table cells."""
        r = self.result
        errors = str(r.errors)
        if r.errors:
            first = f", first status {r.first_bad_status}" if r.first_bad_status else ""
            errors = f"**{r.errors}** ({r.non2xx} non-2xx{first}, {r.socket_errors} socket)"
        floor_cpu = [x.cpu_ms for x in (self.floor_before, self.floor_after) if x.cpu_ms is not None]
        cpu = "?" if r.cpu_ms is None else f"{r.cpu_ms:.1f}"
        if floor_cpu:
            cpu += f" ({sum(floor_cpu) / len(floor_cpu):.2f})"
        rps = f"**failed** ({r.rps:.0f})" if self.failed else f"{r.rps:.1f}"
        if r.repeats:
            rps += f" ({r.repeats} repeated)"
        ratio = "—" if self.failed or not self.floor_rps else f"{r.rps / self.floor_rps:.3f}"
        shown = [self.queries[0], *[n for n in self.queries[1:] if n != self.queries[0]]] if self.queries else []
        queries = "/".join(str(n) for n in shown) or "?"
        if self.queries_status is not None:
            queries += f" (status {self.queries_status})"
        return [
            self.scenario,
            self.backend,
            rps,
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{self.floor_rps:.0f} ({self.kind})",
            ratio,
            queries,
            cpu,
            f"{self.rss_mib:.0f}",
            errors,
        ]


COLUMNS = [
    "scenario",
    "backend",
    "req/s",
    "p50 ms",
    "p99 ms",
    "floor req/s",
    "ratio",
    "queries/request",
    "CPU ms/request (floor)",
    "peak RSS MiB",
    "errors",
]


def table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|---|" + "--:|" * (len(COLUMNS) - 3) + "---|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _git() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)  # noqa: S603,S607
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"{commit} on {git('rev-parse', '--abbrev-ref', 'HEAD') or '?'}{dirty}"


def load_average() -> str:
    """The 1, 5 and 15-minute load averages."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def wrk_version() -> str:
    """wrk's version line."""
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)  # noqa: S607
    return (done.stdout or done.stderr).splitlines()[0].split(" Copyright")[0] if (done.stdout or done.stderr) else "?"


@dataclass
class Header:
    """Where and how the figures were measured."""

    started: dt.datetime
    load_start: str
    settings: list[str]
    postgres_version: str | None = None
    notes: list[str] = field(default_factory=list)
    load_end: str = ""

    def lines(self) -> list[str]:
        """The header as Markdown bullet lines."""
        python = sys.version.split()[0]
        libraries = ", ".join(
            f"{name} {_version(name)}"
            for name in ("Flask", "Werkzeug", "SQLAlchemy", "Flask-SQLAlchemy", "gunicorn", "psycopg")
        )
        databases = f"SQLite {sqlite3.sqlite_version}"
        if self.postgres_version:
            databases += f", PostgreSQL {self.postgres_version}"
        return [
            f"- date: {self.started:%Y-%m-%d %H:%M} (local time of the machine)",
            f"- machine: {os.cpu_count()} CPU(s), {_cpu_model()}, {_ram_gib():.1f} GiB RAM, {platform.platform()}",
            f"- Python {python}; {libraries}",
            f"- databases: {databases}",
            f"- {wrk_version()}",
            f"- git commit: {_git()}",
            f"- load average (1 / 5 / 15 min): {self.load_start} at the start, {self.load_end} at the end",
            *[f"- {line}" for line in self.settings],
            *[f"- {line}" for line in self.notes],
        ]


def write_results(header: Header, rows: list[Row], directory: Path) -> Path:
    """Write ``directory/YYYY-MM-DD-HHMM.md``; its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{header.started:%Y-%m-%d-%H%M}.md"
    body = [f"# HTTP benchmark {header.started:%Y-%m-%d %H:%M}", "", *header.lines(), "", table(rows), ""]
    body += [
        "req/s, p50 and p99 come from wrk; floor req/s is the mean of the floor app's runs just before and just",
        "after the scenario (`/floor/read` for reads, `/floor/write` for writes); ratio = req/s / floor req/s.",
        "queries/request: SQL statements of one request run in-process (a SQLAlchemy `before_cursor_execute`",
        "counter); `a/b` for two identical requests in a row when they differ (a lesson's first view records it).",
        "CPU ms/request: user + system CPU of the gunicorn workers during the run, per request (the floor's in",
        "brackets); steadier than req/s on a busy machine. The database server's CPU is not in it.",
        "peak RSS: the largest `VmHWM` among the gunicorn workers during the scenario.",
        "",
    ]
    path.write_text("\n".join(body), encoding="utf-8")
    return path


def update_docs(header: Header, rows: list[Row], results_file: Path, docs_page: Path) -> bool:
    """Replace the table between the markers of ``docs_page``; whether the markers were found."""
    text = docs_page.read_text(encoding="utf-8")
    if START_MARK not in text or END_MARK not in text:
        return False
    before, rest = text.split(START_MARK, 1)
    _old, after = rest.split(END_MARK, 1)
    relative = os.path.relpath(results_file, docs_page.parent)
    block = "\n".join(["", f"From [{results_file.name}]({relative}):", "", *header.lines(), "", table(rows), ""])
    docs_page.write_text(before + START_MARK + block + END_MARK + after, encoding="utf-8")
    return True
