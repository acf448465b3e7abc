"""Helpers shared by the benchmark scripts: run the real ``elearn`` CLI, time it, print tables.

Not a test module: the scripts print figures and exit non-zero only when a
command failed or printed a summary other than the one expected.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# The console script installed next to the interpreter running the bench (the project's .venv).
ELEARN = str(Path(sys.executable).with_name("elearn"))


@dataclass
class Run:
    """One timed CLI run."""

    args: list[str]
    seconds: float  # wall clock
    cpu: float  # user + system CPU time of the child
    returncode: int
    stdout: str
    stderr: str

    def last_line(self) -> str:
        """The last non-empty line of stdout ('' if none)."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        return lines[-1] if lines else ""


@dataclass
class Report:
    """Rows of figures and the problems seen while measuring."""

    title: str
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, what: str, seconds: float | str, note: str = "", cpu: float | None = None) -> None:
        """Add a row: wall-clock seconds, the child's CPU seconds when known, a note."""
        shown = f"{seconds:.2f}" if isinstance(seconds, float) else seconds
        self.rows.append((what, shown, "" if cpu is None else f"{cpu:.2f}", note))

    def add_run(self, what: str, run: Run, note: str = "") -> None:
        """Add a row for a CLI run."""
        self.add(what, run.seconds, note, run.cpu)

    def problem(self, message: str) -> None:
        """Record (and print at once) something that went wrong."""
        print(f"PROBLEM: {message}", file=sys.stderr, flush=True)
        self.problems.append(message)

    def print(self) -> None:
        """Print the table as Markdown (pastes straight into bench/README.md)."""
        width = max([len(r[0]) for r in self.rows] + [len("measurement")])
        print()
        print(f"### {self.title}")
        print()
        print(f"| {'measurement'.ljust(width)} | wall s | CPU s | note |")
        print(f"|{'-' * (width + 2)}|-------:|------:|------|")
        for what, seconds, cpu, note in self.rows:
            print(f"| {what.ljust(width)} | {seconds:>6} | {cpu:>5} | {note} |")
        if self.problems:
            print()
            print("Problems:")
            for message in self.problems:
                print(f"- {message}")
        print(flush=True)


def cli_env(database_url: str) -> dict[str, str]:
    """Environment for a CLI run: the given database, a fixed secret, nothing else from .env."""
    env = dict(os.environ)
    env["ELEARN_DATABASE_URL"] = database_url
    env.setdefault("ELEARN_SECRET_KEY", "bench-only-secret-key")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_cli(args: Sequence[str], env: dict[str, str], cwd: Path, *, prefix: Sequence[str] = ()) -> Run:
    """Run ``elearn ARGS`` (optionally behind ``prefix``, e.g. a profiler) and time it."""
    command = [*prefix, ELEARN, *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Fixed argument list, no shell: the arguments are the bench's own paths.
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(list(args), seconds, cpu, done.returncode, done.stdout, done.stderr)


def check_ok(report: Report, run: Run, label: str) -> bool:
    """Record a problem when the run failed; whether it succeeded."""
    if run.returncode != 0:
        tail = "\n".join(run.stderr.strip().splitlines()[-15:])
        report.problem(f"{label}: exit status {run.returncode}\n{tail}")
        return False
    return True


def expect_line(report: Report, label: str, actual: str, expected: str) -> bool:
    """Record a problem when ``actual`` differs from ``expected``."""
    if actual != expected:
        report.problem(f"{label}: expected {expected!r}, got {actual!r}")
        return False
    return True


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def describe_database(url: str) -> str:
    """A short name for a database URL (no credentials)."""
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def machine() -> str:
    """One line about where the figures come from."""
    return f"{os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}"


def load_average() -> str:
    """The 1-minute load average: other work on the machine slows every figure."""
    return f"load average {os.getloadavg()[0]:.2f}"
