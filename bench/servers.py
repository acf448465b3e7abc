"""Start and stop gunicorn servers for the HTTP benchmarks; read their workers' peak memory.

Both the elearn app and the floor app run under the same gunicorn settings
(workers, worker class, threads) on 127.0.0.1, each on its own free port.
"""

from __future__ import annotations

import functools
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REPO = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ServerSettings:
    """How gunicorn serves: ``gunicorn --workers N --worker-class K [--threads T]``."""

    workers: int = 2
    worker_class: str = "sync"
    threads: int = 1

    def arguments(self) -> list[str]:
        """The gunicorn command-line options."""
        options = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        if self.worker_class == "gthread":
            options += ["--threads", str(self.threads)]
        return options

    def label(self) -> str:
        """How the results name it, e.g. ``2 sync`` or ``2 gthread x 4``."""
        threads = f" x {self.threads}" if self.worker_class == "gthread" else ""
        return f"{self.workers} {self.worker_class}{threads}"


@dataclass
class Server:
    """A running gunicorn master."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The master's child processes (its workers)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            return [int(pid) for pid in children.read_text().split()]
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def reset_peaks(self) -> bool:
        """Reset every worker's peak RSS (``VmHWM``); whether the kernel allowed it."""
        ok = True
        for pid in self.worker_pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                ok = False
        return ok

    def peak_rss_mib(self) -> float:
        """The largest peak RSS (``VmHWM``) among the workers, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks, default=0.0)

    def cpu_seconds(self) -> float:
        """User + system CPU time the workers have used so far (from ``/proc/PID/stat``)."""
        ticks = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return ticks / CLOCK_TICKS

    def stop(self) -> None:
        """Graceful stop (SIGTERM to the master), then kill if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@functools.cache
def _quiet() -> tuple[str, ...]:
    """Recent gunicorn (27 here) opens a control socket at one fixed path per user: two servers (ours, or another
    job's on a shared machine) fight over it. The benchmark needs none."""
    done = subprocess.run([GUNICORN, "--help"], capture_output=True, text=True, check=False)  # noqa: S603
    return ("--no-control-socket",) if "--no-control-socket" in done.stdout else ()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(name: str, app: str, env: dict[str, str], settings: ServerSettings, log: Path, *, cwd: Path = REPO) -> Server:
    """Start ``gunicorn APP`` with ``settings`` on a free port of 127.0.0.1 (not yet ready)."""
    port = free_port()
    command = [GUNICORN, *settings.arguments(), "--bind", f"127.0.0.1:{port}", "--timeout", "120", *_quiet(), app]
    handle = log.open("ab")
    # Fixed argument list, no shell: the bench's own paths and options.
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603
    handle.close()
    return Server(name, process, port, log)


def wait_ready(server: Server, path: str, timeout: float = 90.0) -> None:
    """Wait until ``GET path`` answers 200 from every worker's point of view (a few in a row)."""
    deadline = time.monotonic() + timeout
    good = 0
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{tail}")
        try:
            status = get_status(server.port, path)
        except OSError:
            status = 0
        good = good + 1 if status == 200 else 0
        if good >= 4:
            return
        time.sleep(0.2 if good else 0.5)
    raise RuntimeError(f"{server.name} did not answer 200 on {path} within {timeout:.0f} s (log: {server.log})")


def get_status(port: int, path: str, headers: dict[str, str] | None = None) -> int:
    """The status of one ``GET path``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def server_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment plus ``extra``, without bytecode writes."""
    env = dict(os.environ)
    env.update(extra)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env
