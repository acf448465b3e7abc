"""``kill -9`` of gunicorn workers under a load of autosaves and submits: nothing acknowledged is lost,
and no attempt is left half graded.

A real gunicorn (2 sync workers) on a scratch database of each backend; four client threads
take quizzes through the API while workers are killed with SIGKILL mid-load (the master starts new
ones). Afterwards every save that was answered 200 must be stored exactly as sent, every submit
answered 200 must be finished, and every attempt must be either wholly open or wholly graded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.trust.harness import Client, Gunicorn, scratch_database, server_environment, start_gunicorn
from tests.trust.load import Record, take_quizzes
from tests.trust.served_world import World, check_attempts, seed

pytestmark = pytest.mark.trust

CLIENT_THREADS = 4
LEARNERS = 8
LOAD_SECONDS = 8.0
KILL_AT = (2.0, 4.0, 6.0)


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[World, Gunicorn]]:
    """A seeded scratch database and a gunicorn with two sync workers on it."""
    with scratch_database(request.param, tmp_path) as url:
        world = seed(url, tmp_path, LEARNERS)
        server = start_gunicorn("kill", server_environment(url), tmp_path, workers=2)
        try:
            server.wait_ready(workers=2)
            yield world, server
        finally:
            server.stop()


def _kill_workers(server: Gunicorn, started: float) -> list[int]:
    """From each moment of ``KILL_AT``, SIGKILL the first worker seen in the middle of a request
    (polled for up to a second, else any worker); the pids killed."""
    killed = []
    for moment in KILL_AT:
        time.sleep(max(0.0, started + moment - time.monotonic()))
        give_up = time.monotonic() + 1.0
        while not (chosen := server.busy_workers()) and time.monotonic() < give_up:
            time.sleep(0.001)
        for pid in chosen or server.worker_pids():
            with contextlib.suppress(ProcessLookupError):  # it may have just been replaced
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                break
    return killed


def test_a_worker_killed_mid_load_loses_no_acknowledged_save_and_leaves_no_attempt_half_graded(
    served: tuple[World, Gunicorn],
) -> None:
    world, server = served
    record = Record()
    started = time.monotonic()
    until = started + LOAD_SECONDS
    share = LEARNERS // CLIENT_THREADS
    threads = [
        threading.Thread(
            target=take_quizzes,
            args=(Client(server.port), world.learners[n * share : (n + 1) * share], world.quiz_id, record, until),
        )
        for n in range(CLIENT_THREADS)
    ]
    for thread in threads:
        thread.start()
    killed = _kill_workers(server, started)
    for thread in threads:
        thread.join(timeout=LOAD_SECONDS + 60)
    assert not any(thread.is_alive() for thread in threads)
    server.wait_ready(workers=2)  # the master replaced the killed workers: service goes on

    ledger = check_attempts(world.url, record.acknowledged, record.submitted)
    cut = record.counts["cut"] + record.counts["save cut"]
    print(
        f"\nworker kill ({world.url.split(':')[0]}): {len(killed)} workers killed, {cut} requests cut;"
        f" saves acknowledged {len(record.acknowledged)}, found {ledger.saves_found};"
        f" submits acknowledged {len(record.submitted)}; attempts {ledger.attempts}"
        f" ({ledger.finished} finished, {ledger.open} open); answers {dict(sorted(record.counts.items()))}"
    )
    assert len(killed) == len(KILL_AT)
    assert record.acknowledged and record.submitted, record.counts
    assert not ledger.problems, ledger.problems[:10]
    assert ledger.saves_found == len(record.acknowledged)
    assert not [what for what in record.counts if what.split()[-1].startswith("5")], record.counts
