"""Rate limits shared by every app process: counted in Redis when configured, else in the database.

A limit allows ``count`` hits per fixed window of ``per`` for one client (an
address, a user). Hits are counted atomically (Redis ``INCR``; an SQL upsert
with ``RETURNING`` on its own connection, committed at once), so concurrent
requests on several servers never see a stale count. Never in process memory.

When Redis is configured but does not answer, counting falls back to the
database: a limit keeps holding, and no request fails because of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from elearn.core.models import RateCounter
from elearn.core.time import now
from elearn.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits per ``per`` for one client of ``name``."""

    name: str
    count: int
    per: dt.timedelta

    def key(self, client: str, moment: dt.datetime) -> tuple[str, dt.datetime]:
        """The counter's key for ``client`` in the window holding ``moment``, and when the window ends."""
        seconds = int(self.per.total_seconds())
        window = int(moment.timestamp()) // seconds
        # Clients are hashed: keys stay short whatever a client string holds.
        digest = hashlib.sha256(client.encode("utf-8", "replace")).hexdigest()[:32]
        ends = dt.datetime.fromtimestamp((window + 1) * seconds, dt.UTC)
        return f"{self.name}:{digest}:{window}", ends


class Counter(Protocol):
    """Where hits are counted."""

    def hit(self, limit: Limit, client: str) -> int:
        """Count one hit; the number of hits in the current window, this one included."""


class DatabaseCounter:
    """Counts in ``rate_counters`` with one atomic upsert on a connection of its own."""

    def hit(self, limit: Limit, client: str) -> int:
        """Count one hit; the number of hits in the current window, this one included."""
        key, ends = limit.key(client, now())
        dialect: Any = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        table = RateCounter.__table__
        statement = (
            dialect.insert(table)
            .values(key=key, count=1, expires_at=ends)
            .on_conflict_do_update(index_elements=[table.c.key], set_={"count": table.c.count + 1})
            .returning(table.c.count)
        )
        # Its own transaction, committed at once: other requests must see this hit now,
        # whatever becomes of the request's own transaction.
        with db.engine.begin() as connection:
            return int(connection.execute(statement).scalar_one())


class RedisCounter:
    """Counts with ``INCR`` + ``EXPIRE``; falls back to the database when Redis fails."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.fallback = DatabaseCounter()

    def hit(self, limit: Limit, client: str) -> int:
        """Count one hit; the number of hits in the current window, this one included."""
        import redis

        key, ends = limit.key(client, now())
        try:
            pipe = self.redis.pipeline()
            pipe.incr(f"elearn:rate:{key}")
            pipe.expireat(f"elearn:rate:{key}", int(ends.timestamp()) + 1)
            count, _ = pipe.execute()
            return int(count)
        except redis.RedisError as error:
            log.warning("Redis unavailable for rate limits, counting in the database: %s", error)
            return self.fallback.hit(limit, client)


def counter() -> Counter:
    """The counter this deployment uses (one Redis client per app)."""
    url = current_app.config.get("ELEARN_REDIS_URL")
    if not url:
        return DatabaseCounter()
    found: Counter | None = current_app.extensions.get("elearn_rate_counter")
    if found is None:
        found = current_app.extensions["elearn_rate_counter"] = RedisCounter(url)
    return found


def allowed(limit: Limit, client: str) -> bool:
    """Count one hit of ``client`` against ``limit``; whether it is within the limit."""
    return counter().hit(limit, client) <= limit.count


def purge_expired() -> int:
    """Forget windows that ended (the periodic sweep); how many counters went."""
    result: Any = db.session.execute(delete(RateCounter).where(RateCounter.expires_at <= now()))
    return int(result.rowcount or 0)
