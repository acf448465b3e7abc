"""Two app servers (separate gunicorn masters, two sync workers each) on one PostgreSQL database and one
Redis, behind a round-robin proxy, under a background load of autosaves and submits: sessions,
bearer tokens, the sign-in lockout, one open attempt per learner, completion once and certificate
numbers hold across both.

PostgreSQL only: SQLite is one file on one machine, so two app servers on it is not a shape anyone
deploys. Redis is ``ELEARN_TEST_REDIS_URL``'s server (else 127.0.0.1:6379), database 14.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from elearn.accounts.models import LoginFailure, User
from elearn.certificates.models import Certificate
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.quizzes.models import IN_PROGRESS, Attempt
from elearn.reports.models import JpEntry
from tests.trust.harness import (
    SERVED,
    Client,
    Gunicorn,
    RoundRobinProxy,
    postgres_configured,
    scratch_database,
    server_environment,
    start_gunicorn,
)
from tests.trust.load import Record, take_quizzes
from tests.trust.served_world import Learner, World, check_attempts, read, seed

REDIS_DB = 14


def _redis_url() -> str | None:
    """Redis database 14 of the test Redis server, when it answers."""
    import redis

    base = os.environ.get("ELEARN_TEST_REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0"
    url = base.rsplit("/", 1)[0] + f"/{REDIS_DB}"
    try:
        return url if redis.Redis.from_url(url, socket_connect_timeout=1).ping() else None
    except redis.RedisError:
        return None


REDIS_URL = _redis_url() if postgres_configured() else None

pytestmark = [
    pytest.mark.trust,
    pytest.mark.skipif(
        not postgres_configured(), reason="two app servers need PostgreSQL: set ELEARN_TEST_DATABASE_URL"
    ),
    pytest.mark.skipif(postgres_configured() and REDIS_URL is None, reason="needs Redis (ELEARN_TEST_REDIS_URL)"),
]

LEARNERS = 25
LOAD_THREADS = 2
LOAD_LIMIT_SECONDS = 120.0


@dataclass
class Cluster:
    """The two servers, the proxy in front, the seeded world and the background load."""

    world: World
    servers: tuple[Gunicorn, Gunicorn]
    proxy: RoundRobinProxy
    load: Record
    stop: threading.Event
    threads: list[threading.Thread] = field(default_factory=list)
    people: dict[str, list[Learner]] = field(default_factory=dict)
    served_before: Counter[int] = field(default_factory=Counter)

    @property
    def ports(self) -> tuple[int, int]:
        """The two servers' ports."""
        return self.servers[0].port, self.servers[1].port


def _clear_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL or "")
    for key in client.scan_iter("elearn:*"):
        client.delete(key)
    client.close()


def _people(learners: list[Learner]) -> dict[str, list[Learner]]:
    """Who does what: slices of the seeded learners."""
    sizes = {"load": 4, "session": 1, "token": 1, "lockout": 1, "starts": 8, "completions": 10}
    people, first = {}, 0
    for role, size in sizes.items():
        people[role], first = learners[first : first + size], first + size
    return people


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two gunicorn masters on one scratch PostgreSQL database and Redis 14, a proxy, and the load running."""
    folder = tmp_path_factory.mktemp("two-servers")
    _clear_redis()
    with contextlib.ExitStack() as stack:
        stack.callback(_clear_redis)
        url = stack.enter_context(scratch_database("postgresql", folder))
        world = seed(url, folder, LEARNERS, prefix="dua")
        env = server_environment(url, ELEARN_REDIS_URL=REDIS_URL or "", ELEARN_TRUSTED_PROXIES="1")
        servers = (start_gunicorn("server-a", env, folder), start_gunicorn("server-b", env, folder))
        for server in servers:
            stack.callback(server.stop)
        for server in servers:
            server.wait_ready(workers=2)
        proxy = RoundRobinProxy([server.port for server in servers])
        stack.callback(proxy.close)
        cluster = Cluster(world, servers, proxy, Record(), threading.Event(), people=_people(world.learners))
        cluster.served_before = SERVED.copy()
        until = time.monotonic() + LOAD_LIMIT_SECONDS
        for n in range(LOAD_THREADS):
            mine = cluster.people["load"][n::LOAD_THREADS]
            args = (
                Client(proxy.port, source=f"127.0.1.{n + 1}"),
                mine,
                world.quiz_id,
                cluster.load,
                until,
                cluster.stop,
            )
            cluster.threads.append(threading.Thread(target=take_quizzes, args=args))
        stack.callback(_stop_load, cluster)
        for thread in cluster.threads:
            thread.start()
        yield cluster


def _stop_load(cluster: Cluster) -> None:
    cluster.stop.set()
    for thread in cluster.threads:
        thread.join(timeout=60)


def test_a_session_signed_in_on_one_server_works_on_the_other_and_signing_out_ends_it_on_both(
    cluster: Cluster,
) -> None:
    first, second = cluster.ports
    person = cluster.people["session"][0]
    browser = Client(first, source="127.0.0.11")
    assert browser.sign_in(person.username, cluster.world.password).status == 302
    pages = [browser.get("/account", port=port) for port in (second, first, cluster.proxy.port, cluster.proxy.port)]
    assert [page.status for page in pages] == [200] * 4
    assert all(person.username in page.text for page in pages)
    token = browser.csrf_token("/account", port=second)
    assert browser.request("POST", "/logout", form={"csrf_token": token}, port=second).status == 302
    after = [browser.get("/account", port=port) for port in (first, second)]
    assert [(a.status, a.headers["location"].split("?")[0]) for a in after] == [(302, "/login")] * 2


def test_a_token_issued_by_one_server_works_on_the_other_until_it_is_revoked_on_either(cluster: Cluster) -> None:
    first, second = cluster.ports
    person = cluster.people["token"][0]
    api = Client(first, source="127.0.0.12")
    issued = api.request(
        "POST", "/api/v1/auth/token", json_body={"username": person.username, "password": cluster.world.password}
    )
    assert issued.status == 200
    api.headers["Authorization"] = f"Bearer {issued.json()['token']}"
    uses = [api.get("/api/v1/me", port=port).status for port in (second, first, cluster.proxy.port, cluster.proxy.port)]
    assert uses == [200] * 4
    assert api.request("DELETE", "/api/v1/auth/token", port=second).status == 204
    assert [api.get("/api/v1/me", port=port).status for port in (first, second)] == [401, 401]


def test_sign_in_failures_on_both_servers_count_together_towards_the_lockout(cluster: Cluster) -> None:
    import redis

    first, second = cluster.ports
    person = cluster.people["lockout"][0]
    client = Client(first, source="127.0.0.13")
    wrong = {"username": person.username, "password": "bukan-kata-sandinya"}
    failures = []
    for n in range(10):
        port = (first, second)[n % 2]
        if n % 4 < 2:
            failures.append(client.request("POST", "/api/v1/auth/token", json_body=wrong, port=port).status)
        else:
            failures.append(client.sign_in(person.username, wrong["password"], port=port).status)
    right = {"username": person.username, "password": cluster.world.password}
    locked = [
        client.request("POST", "/api/v1/auth/token", json_body=right, port=port).status for port in (first, second)
    ]
    locked.append(client.sign_in(person.username, cluster.world.password, port=second).status)
    in_redis = redis.Redis.from_url(REDIS_URL or "").zcard(f"elearn:login-failures:{person.username}")
    assert failures == [401] * 10
    assert locked == [429, 429, 429]
    assert in_redis == 10
    assert read(cluster.world.url, lambda: db.session.scalars(select(LoginFailure.id)).all()) == []


def test_concurrent_starts_on_both_servers_open_one_attempt_per_learner(cluster: Cluster) -> None:
    people = cluster.people["starts"]
    calls = [(person, port) for person in people for port in cluster.ports * 2]
    barrier = threading.Barrier(len(calls))

    def start(call: tuple[Learner, int]) -> tuple[str, int, int]:
        person, port = call
        client = Client(port, headers=person.auth)
        barrier.wait(timeout=30)
        answer = client.request("POST", f"/api/v1/quizzes/{cluster.world.quiz_id}/attempts", json_body={})
        return person.username, answer.status, answer.json().get("id", 0)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        answers = list(pool.map(start, calls))
    assert all(status in (200, 201) for _name, status, _id in answers), answers
    assert Counter(name for name, status, _id in answers if status == 201) == Counter(p.username for p in people)
    assert len({(name, attempt) for name, _status, attempt in answers}) == len(people)  # one id per learner
    names = [person.username for person in people]

    def open_attempts() -> Counter[str]:
        rows = db.session.execute(
            select(User.username)
            .join(Attempt, Attempt.user_id == User.id)
            .where(Attempt.state == IN_PROGRESS, User.username.in_(names))
        )
        return Counter(name for (name,) in rows)

    assert read(cluster.world.url, open_attempts) == Counter(names)


def test_concurrent_completions_on_both_servers_complete_once_with_unique_certificate_numbers(
    cluster: Cluster,
) -> None:
    people = cluster.people["completions"]
    calls = [(person, port) for person in people for port in cluster.ports * 2]
    barrier = threading.Barrier(len(calls))

    def view(call: tuple[Learner, int]) -> int:
        person, port = call
        client = Client(port, headers=person.auth)
        barrier.wait(timeout=30)
        return client.get(f"/api/v1/lessons/{cluster.world.lesson_id}").status

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        statuses = list(pool.map(view, calls))
    names = [person.username for person in people]

    def outcome() -> dict[str, Any]:
        users = dict(db.session.execute(select(User.id, User.username).where(User.username.in_(names))).all())
        certificates = db.session.execute(select(Certificate.user_id, Certificate.number)).all()
        return {
            "certificates": Counter(users[user] for user, _n in certificates if user in users),
            "numbers": sorted(number.rsplit("/", 1)[1] for _u, number in certificates),
            "jp": Counter(users[u] for u in db.session.scalars(select(JpEntry.user_id)) if u in users),
            "completed": db.session.scalar(
                select(db.func.count()).where(Enrolment.user_id.in_(users), Enrolment.completed_at.is_not(None))
            ),
        }

    found = read(cluster.world.url, outcome)
    assert statuses == [200] * len(calls)
    assert found["certificates"] == Counter(names) and found["jp"] == Counter(names)
    assert found["numbers"] == [f"{n:06d}" for n in range(1, len(names) + 1)]
    assert found["completed"] == len(names)


def test_the_load_across_both_servers_lost_no_acknowledged_save(cluster: Cluster) -> None:
    _stop_load(cluster)
    ledger = check_attempts(cluster.world.url, cluster.load.acknowledged, cluster.load.submitted)
    through_proxy = sum(cluster.proxy.served.values())
    direct = SERVED - cluster.served_before
    per_server = {port: cluster.proxy.served[port] + direct[port] for port in cluster.ports}
    print(
        f"\ntwo servers: {sum(per_server.values())} requests served ({' + '.join(map(str, per_server.values()))}),"
        f" {through_proxy} of them through the round-robin proxy; load: {len(cluster.load.acknowledged)} saves"
        f" acknowledged, {ledger.saves_found} found, {len(cluster.load.submitted)} submits;"
        f" {dict(sorted(cluster.load.counts.items()))}"
    )
    assert cluster.load.acknowledged and cluster.load.submitted
    assert not ledger.problems, ledger.problems[:10]
    assert ledger.saves_found == len(cluster.load.acknowledged)
    assert all(cluster.proxy.served[port] > 0 for port in cluster.ports)
