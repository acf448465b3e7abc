"""Write the lock files that ``make`` installs from: every package, direct or not, pinned to one version.

``make lock`` runs this after a change of dependencies in pyproject.toml. pip resolves each set from
the package index for this interpreter, without installing anything (``pip install --dry-run
--report``): the app's own dependencies first (``requirements.lock``), then the test and bench
extras constrained to those pins (``requirements-test.lock``, ``requirements-bench.lock``), so the
three files agree on every package they share. The lock files hold complete sets: ``make`` installs
one with ``pip install -r`` and then the project itself with ``--no-deps``.
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Lock file -> what it resolves, and the lock file it is constrained by.
LOCKS = {
    "requirements.lock": (".", None),
    "requirements-test.lock": (".[test]", "requirements.lock"),
    "requirements-bench.lock": (".[bench]", "requirements.lock"),
}


def canonical(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve(target: str, constraints: str | None) -> dict[str, str]:
    """``{name: version}`` of everything ``pip install TARGET`` would install now (the project excluded)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed"]
        command += ["--report", str(report), target]
        if constraints:
            command += ["--constraint", str(ROOT / constraints)]
        # Fixed argument list, no shell: this interpreter's own pip.
        subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603
        installed = json.loads(report.read_text(encoding="utf-8"))["install"]
    pins = {item["metadata"]["name"]: item["metadata"]["version"] for item in installed}
    return {name: version for name, version in pins.items() if canonical(name) != "elearn"}


def write(path: Path, target: str, pins: dict[str, str]) -> None:
    """The lock file: a header saying what and for which interpreter, then ``name==version`` lines."""
    header = [
        f"# {target} of pyproject.toml, every package pinned: written by `make lock` (scripts/lock.py).",
        f"# Resolved for CPython {platform.python_version()} on {platform.system()} {platform.machine()}.",
        "# Install: pip install -r THIS_FILE && pip install --no-deps -e .",
    ]
    lines = [f"{name}=={pins[name]}" for name in sorted(pins, key=canonical)]
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")


def main() -> None:
    """Resolve and write every lock file, in order (the extras are constrained by the first)."""
    for name, (target, constraints) in LOCKS.items():
        pins = resolve(target, constraints)
        write(ROOT / name, target, pins)
        print(f"{name}: {len(pins)} packages")


if __name__ == "__main__":
    main()
