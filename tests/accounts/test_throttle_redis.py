"""With ELEARN_REDIS_URL set, the sign-in lockout lives in Redis, shared by every app process."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from elearn.accounts.models import User
from tests.factories import PASSWORD

REDIS_URL = os.environ.get("ELEARN_TEST_REDIS_URL", "").strip()


def _redis_answers(url: str) -> bool:
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(REDIS_URL), reason="set ELEARN_TEST_REDIS_URL to a Redis server")


@pytest.fixture
def two_workers(app: Flask) -> Iterator[tuple[Flask, Flask]]:
    """Two app instances (as two gunicorn workers would be) on the same database and Redis."""
    import redis

    from tests.conftest import make_test_app

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    workers = (make_test_app(url, ELEARN_REDIS_URL=REDIS_URL), make_test_app(url, ELEARN_REDIS_URL=REDIS_URL))
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("elearn:login-failures:*"):
        client.delete(key)
    yield workers
    for key in client.scan_iter("elearn:login-failures:*"):
        client.delete(key)
    for worker in workers:
        with worker.app_context():
            from elearn.extensions import db

            db.engine.dispose()


def test_failures_counted_by_one_worker_lock_the_username_on_another(
    two_workers: tuple[Flask, Flask], make_user: Callable[..., User]
) -> None:
    make_user("siti")
    first, second = (worker.test_client() for worker in two_workers)
    for n in range(10):
        worker = first if n % 2 else second
        assert (
            worker.post("/api/v1/auth/token", json={"username": "siti", "password": "salah-sekali-123"}).status_code
            == 401
        )
    for worker in (first, second):
        response = worker.post("/api/v1/auth/token", json={"username": "siti", "password": PASSWORD})
        assert response.status_code == 429
    from sqlalchemy import func, select

    from elearn.accounts.models import LoginFailure
    from elearn.extensions import db

    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0  # counted in Redis, not the database
