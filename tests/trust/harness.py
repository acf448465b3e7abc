"""Real servers for the fault and several-server tests: scratch databases, gunicorn masters, an HTTP
client that speaks from a chosen loopback address, a TCP proxy that can cut the database off, and a
round-robin HTTP proxy in front of several app servers.

Everything listens on 127.0.0.1 on ports chosen at run time, and every request loop is bounded.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import itertools
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, backend_url

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET_KEY = "trust-tests-secret-key-that-is-long-enough-0123456789"


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    """A port that refuses connections while the block runs (bound, never listening: nobody else
    can take it)."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    try:
        yield int(holder.getsockname()[1])
    finally:
        holder.close()


# --- scratch databases -------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_database(backend: str, folder: Path) -> Iterator[str]:
    """A new, empty database of ``backend`` for one module's servers; dropped afterwards.

    On PostgreSQL a database of its own next to the one ``ELEARN_TEST_DATABASE_URL`` names (the
    shared test database is truncated by other tests while these servers write).
    """
    if backend == "sqlite":
        yield backend_url("sqlite", folder)
        return
    url = make_url(backend_url("postgresql", folder))
    name = f"elearn_trust_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_configured() -> bool:
    """Whether ``ELEARN_TEST_DATABASE_URL`` names a PostgreSQL database."""
    return bool(PG_URL)


# --- gunicorn ----------------------------------------------------------------------------------


@functools.cache
def _gunicorn_options() -> tuple[str, ...]:
    """gunicorn 23+ opens a control socket at one path per user: two masters would fight over it."""
    # Fixed argument list, no shell: the virtualenv's own gunicorn.
    done = subprocess.run([GUNICORN, "--help"], capture_output=True, text=True, check=False)  # noqa: S603
    return ("--no-control-socket",) if "--no-control-socket" in done.stdout else ()


@dataclass
class Gunicorn:
    """A gunicorn master serving ``wsgi:app`` with sync workers on 127.0.0.1."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def worker_pids(self) -> list[int]:
        """The master's worker processes right now."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def busy_workers(self) -> list[int]:
        """The workers holding a client's connection right now (in the middle of a request): their
        open sockets that ``/proc/net/tcp`` lists as established on the server's port."""
        established = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == self.port and fields[3] == "01":
                established.add(fields[9])
        busy = []
        for pid in self.worker_pids():
            try:
                links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
            except OSError:
                continue
            if {f"socket:[{inode}]" for inode in established} & links:
                busy.append(pid)
        return busy

    def wait_ready(self, workers: int, timeout: float = 60.0) -> None:
        """Wait until the master runs ``workers`` workers and ``/healthz`` answers 200 a few times."""
        deadline = time.monotonic() + timeout
        good = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                status = Client(self.port).get("/healthz").status
            except OSError:
                status = 0
            good = good + 1 if status == 200 and len(self.worker_pids()) >= workers else 0
            if good >= 3:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        """The end of the server's log (for failure messages)."""
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        """SIGTERM to the master (it stops its workers), SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_environment(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of an app server: this one without any ``ELEARN_*`` of the developer's,
    plus a production configuration on ``database_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELEARN_")}
    env.update(
        {
            "ELEARN_ENV": "production",
            "ELEARN_DATABASE_URL": database_url,
            "ELEARN_SECRET_KEY": SECRET_KEY,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(settings)
    return env


def start_gunicorn(name: str, env: dict[str, str], folder: Path, workers: int = 2) -> Gunicorn:
    """Start ``gunicorn wsgi:app`` with ``workers`` sync workers on a free port (wait with ``wait_ready``).

    It runs in ``folder`` so that no ``.env`` of the working tree is read.
    """
    port = free_port()
    log = folder / f"{name}.log"
    command = [
        GUNICORN,
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        *_gunicorn_options(),
        "wsgi:app",
    ]
    with log.open("ab") as handle:
        # Fixed argument list, no shell: the virtualenv's own gunicorn and the project's app.
        process = subprocess.Popen(command, env=env, cwd=folder, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603
    return Gunicorn(name, process, port, log)


# --- an HTTP client ----------------------------------------------------------------------------

#: Requests answered, per server port (several servers' tests report them).
SERVED: Counter[int] = Counter()
_served_lock = threading.Lock()


@dataclass
class Answer:
    """One HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")


@dataclass
class Client:
    """A browser or API client on one port: cookies kept, speaking from ``source`` (a loopback
    address, so that per-address limits see distinct clients)."""

    port: int
    source: str = "127.0.0.1"
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        port: int | None = None,
    ) -> Answer:
        """Send one request (a new connection, as sync gunicorn closes each one)."""
        target = port or self.port
        sent = {**self.headers, **(headers or {}), "Connection": "close"}
        body: bytes | None = None
        if json_body is not None:
            body, sent["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            body, sent["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(
            "127.0.0.1", target, timeout=self.timeout, source_address=(self.source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            for line in response.headers.get_all("Set-Cookie") or []:
                self._keep_cookie(line)
        finally:
            connection.close()
        with _served_lock:
            SERVED[target] += 1
        return answer

    def _keep_cookie(self, line: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(line)
        for name, morsel in jar.items():
            if morsel["expires"] and "1970" in morsel["expires"] or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, **kwargs: Any) -> Answer:
        """GET ``path``."""
        return self.request("GET", path, **kwargs)

    def csrf_token(self, path: str = "/login", **kwargs: Any) -> str:
        """The CSRF token of the form on ``path`` (its session cookie kept)."""
        page = self.get(path, **kwargs).text
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        assert match, f"no CSRF token on {path}: {page[:300]}"
        return match.group(1)

    def sign_in(self, username: str, password: str, **kwargs: Any) -> Answer:
        """POST the sign-in form (after reading it for its CSRF token)."""
        token = self.csrf_token("/login", **kwargs)
        form = {"csrf_token": token, "username": username, "password": password, "next": ""}
        return self.request("POST", "/login", form=form, **kwargs)


# --- a TCP proxy that can cut the database off --------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target``; ``cut()`` closes the port and every connection
    through it (as a database restart or a failed pooler would), ``restore()`` listens again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def restore(self) -> None:
        """Listen again on the same port."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        with self._lock:
            self._listener = listener
            self._spawn(self._accept, listener)

    def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        with self._lock:
            listener, self._listener = self._listener, None
            open_sockets, self._sockets = list(self._sockets), set()
            threads, self._threads = self._threads, []
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in threads:
            thread.join(timeout=5)

    def _spawn(self, target: Any, *args: Any) -> None:
        """Start a thread (the caller holds the lock)."""
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut while this connection was being made
                    client.close()
                    upstream.close()
                    return
                self._sockets.update((client, upstream))
                self._spawn(self._pump, client, upstream)
                self._spawn(self._pump, upstream, client)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy ``source`` to ``sink`` until either end goes; then close ``source`` (each socket is
        the source of one pump), which ends the other direction too."""
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._sockets.discard(source)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)
        source.close()


# --- a round-robin HTTP proxy -------------------------------------------------------------------

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade", "te"}


class RoundRobinProxy:
    """A test-only reverse proxy: each request to the next backend in turn, with the client's
    address appended to ``X-Forwarded-For`` (as nginx's ``proxy_add_x_forwarded_for``)."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.served: Counter[int] = Counter()
        self._turn = itertools.cycle(backends)
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_any(self) -> None:
                proxy.forward(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_any

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        """Send ``handler``'s request to the next backend and copy the answer back."""
        with self._lock:
            backend = next(self._turn)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
        forwarded = handler.headers.get("X-Forwarded-For")
        client = handler.client_address[0]
        headers["X-Forwarded-For"] = f"{forwarded}, {client}" if forwarded else client
        connection = http.client.HTTPConnection("127.0.0.1", backend, timeout=60)
        try:
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            handler.send_response_only(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(data)
            with self._lock:
                self.served[backend] += 1
        except OSError:
            handler.send_error(502)
        finally:
            connection.close()

    def close(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
