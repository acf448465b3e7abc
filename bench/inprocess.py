"""The elearn app in this process, configured exactly like the benchmarked servers.

Used to count the SQL statements one request sends (a SQLAlchemy
``before_cursor_execute`` listener) and, by ``http_profile.py``, to profile requests.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from scenarios import Request, Scenario, make_request
from seed import World

# The servers and this process must sign and read the same session cookies.
SECRET_KEY = "bench-only-secret-key-not-for-any-real-deployment"  # noqa: S105 - a throw-away bench secret


#: Rate counters (verify page, sign-in limits) in this Redis when set, as in production; else in the database.
REDIS_URL = ""


def server_settings(database_url: str) -> dict[str, str]:
    """The ``ELEARN_*`` variables every benchmarked elearn process gets."""
    # One trusted proxy, as behind nginx in production: the verify scenario sends each request from
    # its own client address (X-Forwarded-For), as phones scanning QR codes do.
    return {
        "ELEARN_DATABASE_URL": database_url,
        "ELEARN_SECRET_KEY": SECRET_KEY,
        "ELEARN_ENV": "production",
        "ELEARN_TRUSTED_PROXIES": "1",
        "ELEARN_REDIS_URL": REDIS_URL,
    }


def make_app(database_url: str) -> Any:
    """``create_app`` with the servers' settings."""
    from elearn import create_app

    return create_app(server_settings(database_url))


def send(client: Any, request: Request) -> Any:
    """Send ``request`` with a Flask test client (made with ``use_cookies=False``, so our Cookie header goes)."""
    return client.open(request.path, method=request.method, headers=request.headers, data=request.body or None)


@contextmanager
def counting_queries(app: Any) -> Iterator[list[str]]:
    """Collect every SQL statement sent while the block runs."""
    from sqlalchemy import event

    from elearn.extensions import db

    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def count_queries(
    database_url: str, world: World, scenarios: Sequence[Scenario], rng: random.Random, repeat: int = 2
) -> dict[str, tuple[list[int], list[int]]]:
    """Per scenario: the SQL statements and the status of ``repeat`` identical requests in a row (a lesson's
    first view writes more than the next). One warm-up request of another draw first, not counted."""
    app = make_app(database_url)
    client = app.test_client(use_cookies=False)
    found = {}
    for scenario in scenarios:
        send(client, make_request(scenario, world, rng))
        request = make_request(scenario, world, rng)
        counts, statuses = [], []
        for _ in range(repeat):
            with counting_queries(app) as statements:
                response = send(client, request)
            counts.append(len(statements))
            statuses.append(response.status_code)
        found[scenario.name] = (counts, statuses)
    return found
