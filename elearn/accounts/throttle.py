"""The sign-in lockout: 10 failures for a username within 15 minutes.

Counted where every app process sees it: in the database, or in Redis when
``ELEARN_REDIS_URL`` is set. Never in process memory.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Protocol

from flask import current_app
from sqlalchemy import delete, func, select

from elearn.accounts.models import LoginFailure
from elearn.core.time import now
from elearn.extensions import db

MAX_FAILURES = 10
WINDOW = dt.timedelta(minutes=15)


class Throttle(Protocol):
    """Where sign-in failures are counted."""

    def is_locked(self, username: str) -> bool:
        """Whether ``username`` has reached the failure limit."""

    def record_failure(self, username: str) -> None:
        """Count one failed sign-in for ``username``."""


class DatabaseThrottle:
    """Failures as rows; written in the request's transaction (the adapter commits)."""

    def is_locked(self, username: str) -> bool:
        """Whether ``username`` has reached the failure limit."""
        since = now() - WINDOW
        count = db.session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.username == username, LoginFailure.failed_at > since)
        )
        return (count or 0) >= MAX_FAILURES

    def record_failure(self, username: str) -> None:
        """Count one failed sign-in for ``username`` and forget its expired ones."""
        current = now()
        db.session.execute(
            delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.failed_at <= current - WINDOW)
        )
        db.session.add(LoginFailure(username=username, failed_at=current))
        db.session.flush()


class RedisThrottle:
    """Failures as a sorted set of timestamps per username, expiring with the window."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def _key(self, username: str) -> str:
        return f"elearn:login-failures:{username}"

    def is_locked(self, username: str) -> bool:
        """Whether ``username`` has reached the failure limit."""
        since = (now() - WINDOW).timestamp()
        return int(self._redis.zcount(self._key(username), f"({since}", "+inf")) >= MAX_FAILURES

    def record_failure(self, username: str) -> None:
        """Count one failed sign-in for ``username`` and forget its expired ones."""
        current = now().timestamp()
        key = self._key(username)
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(key, "-inf", current - WINDOW.total_seconds())
        pipe.zadd(key, {f"{current}:{secrets.token_hex(4)}": current})
        pipe.expire(key, int(WINDOW.total_seconds()) + 60)
        pipe.execute()


def get_throttle() -> Throttle:
    """The throttle this deployment uses (one Redis client per app)."""
    url = current_app.config.get("ELEARN_REDIS_URL")
    if not url:
        return DatabaseThrottle()
    throttle: Throttle | None = current_app.extensions.get("elearn_throttle")
    if throttle is None:
        throttle = current_app.extensions["elearn_throttle"] = RedisThrottle(url)
    return throttle
