"""Fixtures: one app per database backend, factories, and one scenario.

Every test that uses ``app`` (or anything built on it) runs on SQLite, and
also on PostgreSQL when ``ELEARN_TEST_DATABASE_URL`` is set (``.ci/run``
sets it).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, exists, literal, select, text, union_all

from elearn import create_app
from elearn.catalogue.structure import forget as forget_cached_structure
from elearn.core import time as clock_module
from elearn.extensions import db

PG_URL = os.environ.get("ELEARN_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def backend_url(backend: str, tmp_dir: Any) -> str:
    """The database URL a backend's tests use."""
    if backend == "postgresql":
        url = PG_URL
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return f"sqlite:///{tmp_dir / 'test.db'}"


def make_test_app(database_url: str, **overrides: Any) -> Flask:
    """An app configured for tests (CSRF on unless a test turns it off)."""
    config: dict[str, Any] = {
        "TESTING": True,
        "ELEARN_DATABASE_URL": database_url,
        "ELEARN_SECRET_KEY": "test-secret-key-that-is-long-enough-1234567890",
        "ELEARN_REDIS_URL": "",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session", params=BACKENDS)
def _session_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = backend_url(request.param, tmp_path_factory.mktemp(request.param))
    app = make_test_app(url)
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


#: Sequences used since they were last reset start again at 1, as after ``TRUNCATE ... RESTART IDENTITY``.
_RESET_USED_SEQUENCES = text(
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
    "FROM pg_sequences WHERE last_value IS NOT NULL"
)


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        # Only the tables a test wrote to, by DELETE: a TRUNCATE of all 48 tables costs ~170 ms per test
        # (new files for every table), finding and deleting a few rows ~6 ms.
        probe = union_all(*(select(literal(t.name)).where(exists(select(1).select_from(t))) for t in tables))
        written = set(db.session.scalars(probe))
        for table in tables:
            if table.name in written:
                db.session.execute(table.delete())
        db.session.execute(_RESET_USED_SEQUENCES)
    else:
        for table in tables:
            db.session.execute(table.delete())
        db.session.execute(text("DELETE FROM course_search"))  # the catalogue's FTS5 index (not a model)
    db.session.commit()
    db.session.expunge_all()


@pytest.fixture
def app(_session_app: Flask) -> Iterator[Flask]:
    """The app, in an app context, with empty tables."""
    with _session_app.app_context():
        yield _session_app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
    clock_module.set_clock(None)
    forget_cached_structure()


class FreshContextClient(FlaskClient):
    """Runs every request in its own app context, as a real server does.

    Without this, requests would share the test's app context, and with it
    ``g`` (Flask-Login's user, Flask-Babel's locale) and the database session.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def clock() -> Iterator[Callable[[dt.datetime], None]]:
    """Freeze the clock: ``clock(datetime)`` sets the current time."""
    current = [dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)]
    clock_module.set_clock(lambda: current[0])

    def set_time(value: dt.datetime) -> None:
        current[0] = value

    yield set_time
    clock_module.set_clock(None)


@dataclass
class QueryCounter:
    """SQL statements executed while counting."""

    statements: list[str]

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """``with count_queries() as counter:`` counts SQL statements (not transactions)."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter([])

        def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA")):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)

    return counting


pytest_plugins = ["tests.factories"]


def pytest_configure(config: pytest.Config) -> None:
    """Compile the translation catalogues (as ``make translations`` does) when
    pytest runs on its own."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "elearn" / "translations"
    for po_path in root.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``one_backend`` run on SQLite only (their PostgreSQL copies are deselected)."""
    twice = [
        item
        for item in items
        if item.get_closest_marker("one_backend") is not None
        and getattr(getattr(item, "callspec", None), "params", {}).get("_session_app") == "postgresql"
    ]
    if twice:
        config.hook.pytest_deselected(items=twice)
        dropped = set(twice)
        items[:] = [item for item in items if item not in dropped]
