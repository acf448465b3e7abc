"""Check an uploaded course ZIP in a child process with CPU, memory, file-size and time limits (pure: no Flask).

The check is the one ``elearn content check`` runs (``content.loading.parse_tree``): the child
extracts the ZIP into a folder the parent made and parses it, and answers with every issue as
``path:LINE: message`` or, when there is none, with the lesson renders it made, so that the
web worker's own parse afterwards renders nothing. Rendering hostile Markdown is what could
take long; the pre-checks in ``core/markup.py`` bound each paragraph, but not a course of two
thousand files, so the whole check runs here, where the kernel stops it after
``ProcessLimits.cpu_seconds`` of CPU and ``memory_bytes`` of address space, and the parent
after ``wall_seconds``. The limits protect the web worker's time and memory; the child runs
as the same user and is not a boundary against code execution.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from elearn.content.upload import DEFAULT_LIMITS, UploadRefused, extract_course_zip

MIB = 1024 * 1024
__all__ = ["CheckOutcome", "ProcessLimits", "SandboxFailed", "check_in_child", "display_name", "run_limited"]


@dataclass(frozen=True)
class ProcessLimits:
    """What the child may use; the CPU limit is the kernel's, the wall limit the parent's."""

    cpu_seconds: int = 20
    wall_seconds: float = 25.0
    memory_bytes: int = 1536 * MIB
    file_bytes: int = DEFAULT_LIMITS.max_file_uncompressed + MIB
    open_files: int = 256


DEFAULT_PROCESS_LIMITS = ProcessLimits()


class SandboxFailed(RuntimeError):
    """The child did not answer: ``reason`` is ``time``, ``memory`` or ``crashed``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckOutcome:
    """The child's answer: a refused ZIP's message, or the issues (none: ``renders`` holds its renders)."""

    display_root: str = ""
    refused: str | None = None
    issues: list[str] = field(default_factory=list)
    renders: dict[str, str] = field(default_factory=dict)


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def display_name(filename: str) -> str:
    """What issues call a course at the ZIP's root: the upload's file name without ``.zip``, made plain."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem[:-4] if stem.lower().endswith(".zip") else stem
    return _SAFE_NAME.sub("-", stem).strip("-.")[:60] or "kursus"


def check_in_child(
    data: bytes,
    workdir: Path,
    *,
    filename: str,
    iframe_hosts: tuple[str, ...] = (),
    limits: ProcessLimits = DEFAULT_PROCESS_LIMITS,
) -> CheckOutcome:
    """Check a course ZIP in a limited child that extracts into ``workdir`` (an empty folder the caller
    removes afterwards, even when the child was killed); raises ``SandboxFailed``."""
    argv = [sys.executable, "-m", "elearn.publishing.sandbox", "--target", str(workdir), "--name", filename]
    for host in iframe_hosts:
        argv += ["--iframe-host", host]
    answer = json.loads(run_limited(argv, data, limits))
    return CheckOutcome(
        display_root=str(answer.get("display", "")),
        refused=answer.get("refused"),
        issues=[str(line) for line in answer.get("issues", [])],
        renders={str(key): str(html) for key, html in answer.get("renders", {}).items()},
    )


def run_limited(argv: list[str], stdin: bytes, limits: ProcessLimits = DEFAULT_PROCESS_LIMITS) -> bytes:
    """Run ``argv`` (a Python child that calls ``apply_limits`` first) with ``stdin``; its standard output.

    Raises ``SandboxFailed`` when it runs out of time or memory or exits with an error.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
        "ELEARN_SANDBOX_LIMITS": json.dumps(
            [limits.cpu_seconds, limits.memory_bytes, limits.file_bytes, limits.open_files]
        ),
    }
    if "TMPDIR" in os.environ:
        env["TMPDIR"] = os.environ["TMPDIR"]
    try:
        # A new session, so that a kill reaches the child alone, never the web worker's group.
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, arguments as a list
            argv, input=stdin, capture_output=True, timeout=limits.wall_seconds, env=env, start_new_session=True
        )
    except subprocess.TimeoutExpired as error:  # run() has killed the child
        raise SandboxFailed("time", f"over {limits.wall_seconds:g} s") from error
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise SandboxFailed("time", f"over {limits.cpu_seconds} s of CPU")
    if done.returncode == _OUT_OF_MEMORY or b"MemoryError" in done.stderr[-2000:]:
        raise SandboxFailed("memory", f"over {limits.memory_bytes // MIB} MiB")
    if done.returncode != 0:
        raise SandboxFailed("crashed", done.stderr[-2000:].decode("utf-8", "replace"))
    return done.stdout


_OUT_OF_MEMORY = 3


def apply_limits() -> None:
    """Limit this (child) process as the parent asked in ``ELEARN_SANDBOX_LIMITS``."""
    cpu, memory, file_size, open_files = json.loads(os.environ["ELEARN_SANDBOX_LIMITS"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU at the soft limit, SIGKILL a second later
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _check(data: bytes, target: Path, name: str, iframe_hosts: tuple[str, ...]) -> dict[str, object]:
    """Extract and parse as ``elearn content check`` does; the JSON answer."""
    from elearn.content.loading import parse_tree
    from elearn.core.markup import RenderCache

    try:
        folder = extract_course_zip(data, target / "course")
    except UploadRefused as refused:
        return {"refused": refused.message}
    display = folder.name if folder != target / "course" else display_name(name)
    cache = RenderCache()
    _courses, issues = parse_tree(folder, display, cache, iframe_hosts=iframe_hosts, parallel=False)
    if issues:
        return {"display": display, "issues": [str(issue) for issue in issues]}
    return {"display": display, "issues": [], "renders": cache.rendered}


def main(argv: list[str] | None = None) -> int:
    """The child: limits first, then the ZIP from standard input, the answer as JSON on standard output."""
    apply_limits()
    parser = argparse.ArgumentParser(prog="elearn.publishing.sandbox")
    parser.add_argument("--target", required=True, type=Path)
    parser.add_argument("--name", default="")
    parser.add_argument("--iframe-host", action="append", default=[])
    args = parser.parse_args(argv)
    try:
        answer = _check(sys.stdin.buffer.read(), args.target, args.name, tuple(args.iframe_host))
        sys.stdout.write(json.dumps(answer))
    except MemoryError:
        return _OUT_OF_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(main())
