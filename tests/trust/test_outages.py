"""The database or Redis out of reach while gunicorn serves: 503 with the error envelope (never a 500)
during, normal service after, without restarting anything.

The database: on PostgreSQL the app reaches it through a TCP proxy of the test's, which is cut (its
port refuses, every open connection drops: a database restart or a failed pooler looks the same)
and restored. SQLite is a file the workers already hold open, so it cannot become unreachable that
way; what does happen to it is a lock held longer than ``busy_timeout`` (a backup, a stuck process):
writes then fail with "database is locked", which the app answers with the same 503, while reads
go on (WAL).

Redis: ``ELEARN_REDIS_URL`` names a port that refuses connections. The sign-in lockout and the rate
limits then count in the database (``elearn.core.limits``, ``elearn.accounts.throttle``): they keep
holding, and sign-in keeps working.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import make_url

from elearn.accounts.models import LoginFailure
from elearn.core.models import RateCounter
from tests.conftest import BACKENDS
from tests.trust.harness import (
    Answer,
    Client,
    Gunicorn,
    TcpProxy,
    closed_port,
    scratch_database,
    server_environment,
    start_gunicorn,
)
from tests.trust.served_world import World, count_rows, seed

pytestmark = pytest.mark.trust

OUTAGE_SECONDS = 3.0
UNAVAILABLE = "Basis data sedang tidak dapat dihubungi"


@dataclass
class Outage:
    """A gunicorn on a scratch database, reached through ``proxy`` on PostgreSQL, with Redis refused."""

    backend: str
    world: World
    server: Gunicorn
    proxy: TcpProxy | None


@pytest.fixture(scope="module", params=BACKENDS)
def outage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    """The server the outage tests share (one per backend)."""
    folder = tmp_path_factory.mktemp(f"outage-{request.param}")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(scratch_database(request.param, folder))
        world = seed(url, folder, learners=4, prefix="putus")
        served_url, proxy = url, None
        if request.param == "postgresql":
            target = make_url(url)
            proxy = TcpProxy((target.host or "127.0.0.1", target.port or 5432))
            proxy.restore()
            stack.callback(proxy.cut)
            served_url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        redis_port = stack.enter_context(closed_port())
        env = server_environment(served_url, ELEARN_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0")
        server = start_gunicorn("outage", env, folder, workers=2)
        stack.callback(server.stop)
        server.wait_ready(workers=2)
        yield Outage(request.param, world, server, proxy)


def _is_unavailable(answer: Answer, api: bool) -> bool:
    """A 503 saying the database is out of reach: the API's envelope, or the Indonesian page."""
    if answer.status != 503 or answer.headers.get("retry-after") != "5":
        return False
    if api:
        error = answer.json().get("error", {})
        return error.get("code") == "database_unavailable" and UNAVAILABLE in error.get("message", "")
    return answer.headers.get("content-type", "").startswith("text/html") and UNAVAILABLE in answer.text


def _requests(outage: Outage) -> list[tuple[bool, Callable[[], Answer]]]:
    """What people do while the database is away: (is it the API, the request)."""
    learner, reader = outage.world.learners[0], outage.world.learners[1]
    api = Client(outage.server.port, headers=learner.auth)
    browser = Client(outage.server.port, source="127.0.0.2")
    assert browser.sign_in(reader.username, outage.world.password).status == 302
    attempt = api.request("POST", f"/api/v1/quizzes/{outage.world.quiz_id}/attempts", json_body={}).json()
    key = str(attempt["questions"][0]["id"])
    save = f"/api/v1/attempts/{attempt['id']}/answers"
    own = Client(outage.server.port, headers=reader.auth)
    page_attempt = own.request("POST", f"/api/v1/quizzes/{outage.world.quiz_id}/attempts", json_body={}).json()
    page_save = f"/attempts/{page_attempt['id']}/autosave"
    page_key, csrf = str(page_attempt["questions"][0]["id"]), {"X-CSRFToken": browser.csrf_token("/account")}
    return [
        (True, lambda: api.get("/api/v1/me")),
        (True, lambda: api.request("PUT", save, json_body={"answers": {key: "tersimpan"}})),
        (True, lambda: browser.request("POST", page_save, json_body={"answers": {page_key: "x"}}, headers=csrf)),
        (False, lambda: browser.get("/account")),
        (False, lambda: browser.get(f"/lessons/{outage.world.lesson_id}")),
        (False, lambda: browser.get("/")),
    ]


def test_the_database_cut_off_is_a_503_with_the_envelope_and_service_resumes_without_a_restart(
    outage: Outage,
) -> None:
    if outage.proxy is None:
        pytest.skip("SQLite cannot be cut off while open: see the lock test below")
    requests = _requests(outage)
    assert [call().status for _api, call in requests] == [200] * len(requests)
    processes = (outage.server.process.pid, sorted(outage.server.worker_pids()))

    outage.proxy.cut()
    during: list[tuple[bool, Answer]] = []
    try:
        until = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < until:
            during += [(api, call()) for api, call in requests]
        health = Client(outage.server.port).get("/healthz")
    finally:
        outage.proxy.restore()
    after = [call().status for _ in range(2) for _api, call in requests]

    print(f"\ndatabase cut off {OUTAGE_SECONDS:.0f} s: {len(during)} requests answered 503, then {len(after)} 200")
    wrong = [(answer.status, answer.text[:200]) for api, answer in during if not _is_unavailable(answer, api)]
    assert not wrong
    assert health.status == 503 and health.json()["database"] == "unavailable"
    assert after == [200] * len(after)
    assert (outage.server.process.pid, sorted(outage.server.worker_pids())) == processes  # nothing restarted


def test_a_sqlite_write_lock_held_past_the_busy_timeout_is_a_503_then_writes_resume(outage: Outage) -> None:
    if outage.proxy is not None:
        pytest.skip("PostgreSQL's outage is the cut-off test above")
    learner = outage.world.learners[2]
    api = Client(outage.server.port, headers=learner.auth)
    attempt = api.request("POST", f"/api/v1/quizzes/{outage.world.quiz_id}/attempts", json_body={}).json()
    key = str(attempt["questions"][0]["id"])
    save = f"/api/v1/attempts/{attempt['id']}/answers"
    browser = Client(outage.server.port, source="127.0.0.4")
    token = browser.csrf_token("/login")
    form = {"csrf_token": token, "username": learner.username, "password": outage.world.password, "next": ""}

    holder = sqlite3.connect(make_url(outage.world.url).database or "", isolation_level=None, timeout=10)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held past the app's 5 s busy_timeout
        with ThreadPoolExecutor(max_workers=2) as pool:
            saving = pool.submit(api.request, "PUT", save, json_body={"answers": {key: "terkunci"}})
            signing_in = pool.submit(browser.request, "POST", "/login", form=form)
            reading = api.get("/api/v1/me")  # readers are not blocked by a writer in WAL mode
            locked_save, locked_sign_in = saving.result(timeout=60), signing_in.result(timeout=60)
    finally:
        holder.rollback()
        holder.close()
    saved_after = api.request("PUT", save, json_body={"answers": {key: "tersimpan"}})
    signed_in_after = browser.sign_in(learner.username, outage.world.password)

    assert reading.status == 200
    assert _is_unavailable(locked_save, api=True), (locked_save.status, locked_save.text[:300])
    assert _is_unavailable(locked_sign_in, api=False), (locked_sign_in.status, locked_sign_in.text[:300])
    assert saved_after.status == 200 and signed_in_after.status == 302


def test_with_redis_unreachable_the_lockout_and_rate_limit_count_in_the_database_never_a_500(
    outage: Outage,
) -> None:
    victim = outage.world.learners[3]
    browser, api = Client(outage.server.port, source="127.0.0.3"), Client(outage.server.port, source="127.0.0.3")
    wrong = {"username": victim.username, "password": "bukan-kata-sandinya"}
    answers = []
    for n in range(10):  # the lockout's ten failures, half through the form, half through the token endpoint
        if n % 2:
            answers.append(api.request("POST", "/api/v1/auth/token", json_body=wrong))
        else:
            answers.append(browser.sign_in(victim.username, wrong["password"]))
    assert [a.status for a in answers] == [401] * 10
    right = {"username": victim.username, "password": outage.world.password}
    locked_api = api.request("POST", "/api/v1/auth/token", json_body=right)
    locked_form = browser.sign_in(victim.username, outage.world.password)
    assert locked_api.status == 429 and locked_api.json()["error"]["code"] == "too_many_attempts"
    assert locked_form.status == 429 and "15 menit" in locked_form.text
    assert count_rows(outage.world.url, LoginFailure, username=victim.username) == 10  # counted in the database

    # The per-address limit (30 password checks a minute) holds too: keep trying until it answers
    # (at most two windows' worth, in case a minute boundary falls inside the loop).
    refused = None
    for _ in range(70):
        answer = api.request("POST", "/api/v1/auth/token", json_body=right)
        assert answer.status == 429, answer.text[:300]
        if "alamat ini" in answer.json()["error"]["message"]:
            refused = answer
            break
    assert refused is not None
    other = outage.world.learners[0]
    from_elsewhere = Client(outage.server.port, source="127.0.0.5")
    assert (
        api.request("POST", "/api/v1/auth/token", json_body={"username": other.username, "password": "x"}).status == 429
    )
    assert from_elsewhere.sign_in(other.username, outage.world.password).status == 302  # sign-in works without Redis
    assert count_rows(outage.world.url, RateCounter) > 0
