"""The lock files ``make`` installs from cover pyproject.toml: every dependency, of the app and of each
extra, is pinned within its bounds, and the extras' files agree with the app's on what they share."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LOCKS = {"requirements.lock": None, "requirements-test.lock": "test", "requirements-bench.lock": "bench"}


def canonical(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, str]:
    """``{name: version}`` of a lock file."""
    found = {}
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[canonical(name)] = version.strip()
    return found


@pytest.mark.parametrize(("lock", "extra"), LOCKS.items())
def test_every_dependency_is_pinned_within_its_bounds(lock: str, extra: str | None) -> None:
    wanted = [Requirement(text) for text in PROJECT["dependencies"]]
    if extra:
        wanted += [Requirement(text) for text in PROJECT["optional-dependencies"][extra]]
    pinned = pins(lock)
    missing = [str(r) for r in wanted if canonical(r.name) not in pinned]
    outside = [
        f"{r} (locked {pinned[canonical(r.name)]})"
        for r in wanted
        if canonical(r.name) in pinned and not r.specifier.contains(pinned[canonical(r.name)], prereleases=True)
    ]
    assert not missing, f"{lock} lacks {missing}: run `make lock`"
    assert not outside, f"{lock} pins outside pyproject.toml's bounds: {outside}: run `make lock`"


@pytest.mark.parametrize("lock", ["requirements-test.lock", "requirements-bench.lock"])
def test_the_extras_lock_the_apps_packages_at_the_same_versions(lock: str) -> None:
    app, extra = pins("requirements.lock"), pins(lock)
    assert {name: extra.get(name) for name in app} == app
