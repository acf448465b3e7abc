"""Password guessing limits: the per-username lockout and the per-client limit.

The lockout (api.md): 10 failures for a username within 15 minutes refuse it,
even with the right password, until the 15 minutes pass. It is counted where
every app process sees it (the database, or Redis when ``ELEARN_REDIS_URL`` is
set), never in process memory, and atomically: a check first *reserves* a
failure (counted and committed at once, one reservation for a username at a
time), and a right password gives the reservation back. So 40 concurrent wrong
guesses get exactly 10 checks.

The per-client limit stops one address from flooding the slow password
checks (Argon2, also run for unknown usernames) of every sign-in and
password endpoint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from elearn.accounts.models import LoginFailure
from elearn.core.limits import Limit
from elearn.core.models import RateCounter
from elearn.core.time import now
from elearn.extensions import db

log = logging.getLogger(__name__)

MAX_FAILURES = 10
WINDOW = dt.timedelta(minutes=15)
#: Password checks (sign-in, token, password change) one client address may start per minute.
PASSWORD_CHECKS_PER_CLIENT = Limit("password-checks", 30, dt.timedelta(minutes=1))


@dataclass(frozen=True)
class Reservation:
    """A failure counted before the password is checked; given back when it was right."""

    username: str
    token: str


class Throttle(Protocol):
    """Where sign-in failures are counted."""

    def reserve(self, username: str) -> Reservation | None:
        """Count a failure for ``username`` before checking; None when the username is locked."""

    def give_back(self, reservation: Reservation) -> None:
        """The password was right: the reserved failure does not count."""


class DatabaseThrottle:
    """Failures as rows, written on a connection of their own and committed at once.

    Reservations for one username are serialised by an upsert of a per-username row
    (a row lock on PostgreSQL; SQLite has one writer anyway), so the count each one
    sees includes every reservation before it: exactly ``MAX_FAILURES`` checks run.
    """

    def reserve(self, username: str) -> Reservation | None:
        """Count a failure for ``username`` before checking; None when the username is locked."""
        moment = now()
        token = secrets.token_hex(8)
        with db.engine.begin() as connection:
            _lock_username(connection, username, moment)
            count = connection.scalar(
                select(func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.username == username, LoginFailure.failed_at > moment - WINDOW)
            )
            if (count or 0) >= MAX_FAILURES:
                return None  # refused unchecked: it does not extend the lockout
            connection.execute(insert(LoginFailure).values(username=username, failed_at=moment, reservation=token))
        return Reservation(username, token)

    def give_back(self, reservation: Reservation) -> None:
        """The password was right: the reserved failure does not count."""
        with db.engine.begin() as connection:
            connection.execute(delete(LoginFailure).where(LoginFailure.reservation == reservation.token))


def _lock_username(connection: Connection, username: str, moment: dt.datetime) -> None:
    """Take the per-username lock row until the connection's transaction ends (an upsert:
    concurrent reservations for the same username wait here, one after another)."""
    dialect: Any = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = RateCounter.__table__
    key = "lockout:" + hashlib.sha256(username.encode("utf-8", "replace")).hexdigest()[:32]
    connection.execute(
        dialect.insert(table)
        .values(key=key, count=1, expires_at=moment + WINDOW)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": table.c.count + 1, "expires_at": moment + WINDOW},
        )
    )


class RedisThrottle:
    """Failures as a sorted set of timestamps per username, expiring with the window.

    When Redis does not answer, the lockout is counted in the database instead
    (it keeps holding; sign-in never fails because of Redis).
    """

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._fallback = DatabaseThrottle()

    def _key(self, username: str) -> str:
        return f"elearn:login-failures:{username}"

    def reserve(self, username: str) -> Reservation | None:
        """Count a failure for ``username`` before checking; None when the username is locked."""
        import redis

        moment = now().timestamp()
        token = f"{moment}:{secrets.token_hex(8)}"
        key = self._key(username)
        try:
            pipe = self._redis.pipeline()  # MULTI/EXEC: add and count as one step
            pipe.zremrangebyscore(key, "-inf", moment - WINDOW.total_seconds())
            pipe.zadd(key, {token: moment})
            pipe.zcard(key)
            pipe.expire(key, int(WINDOW.total_seconds()) + 60)
            _, _, count, _ = pipe.execute()
            if int(count) > MAX_FAILURES:
                self._redis.zrem(key, token)
                return None
        except redis.RedisError as error:
            log.warning("Redis unavailable for the sign-in lockout, counting in the database: %s", error)
            return self._fallback.reserve(username)
        return Reservation(username, token)

    def give_back(self, reservation: Reservation) -> None:
        """The password was right: the reserved failure does not count."""
        import redis

        try:
            removed = self._redis.zrem(self._key(reservation.username), reservation.token)
        except redis.RedisError:
            removed = 0
        if not removed:  # it may have been counted in the database while Redis was down
            self._fallback.give_back(reservation)


def get_throttle() -> Throttle:
    """The throttle this deployment uses (one Redis client per app)."""
    url = current_app.config.get("ELEARN_REDIS_URL")
    if not url:
        return DatabaseThrottle()
    throttle: Throttle | None = current_app.extensions.get("elearn_throttle")
    if throttle is None:
        throttle = current_app.extensions["elearn_throttle"] = RedisThrottle(url)
    return throttle


def purge_stale_failures() -> int:
    """Forget failures older than the window (the periodic sweep); how many rows went."""
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now() - WINDOW))
    return int(getattr(result, "rowcount", 0) or 0)
