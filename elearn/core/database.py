"""Engine set-up that differs per backend."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from elearn.extensions import db

T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers and a writer overlap.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def init_database(app: Flask) -> None:
    """Per-backend connection settings (SQLite pragmas)."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not getattr(engine, "_elearn_pragmas", False):
            event.listen(engine, "connect", _sqlite_pragmas)
            engine._elearn_pragmas = True  # type: ignore[attr-defined]


def dialect_insert(table: Any) -> Any:
    """The backend's own INSERT (with ``on_conflict_do_*``) for ``table`` or a model."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect: Any = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def insert_ignoring_duplicates(model: type, rows: dict[str, Any] | list[dict[str, Any]]) -> None:
    """INSERT rows unless one with the same key exists (concurrent-safe on both backends)."""
    if not rows:
        return
    table: Any = model.__table__  # type: ignore[attr-defined]
    statement = prebuilt(f"insert-ignoring:{table.name}", lambda: dialect_insert(table).on_conflict_do_nothing())
    db.session.execute(statement, rows if isinstance(rows, list) else [rows])


def chunks(values: Sequence[T], size: int = 500) -> list[Sequence[T]]:
    """``values`` in slices of ``size``: keeps ``IN (...)`` lists within every backend's limits."""
    return [values[start : start + size] for start in range(0, len(values), size)]


_prebuilt: dict[tuple[str, str], Any] = {}


def prebuilt(name: str, build: Callable[[], Any]) -> Any:
    """A statement built once per process and database dialect, run with bound parameters.

    SQLAlchemy compiles a statement once and caches it, but a statement *built* anew on every call
    still costs its construction and cache-key walk: on the hot paths that was most of a query's
    time (0.38 ms against 0.06 ms for the same union run again). ``build`` must use ``bindparam``
    for every value that changes between calls.
    """
    key = (db.engine.dialect.name, name)
    statement = _prebuilt.get(key)
    if statement is None:
        statement = _prebuilt[key] = build()
    return statement
