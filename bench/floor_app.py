"""The floor: the fastest a Flask app can answer on this machine, database and server.

A minimal Flask app with no elearn code, served exactly like elearn (gunicorn,
same workers, same database URL). Every elearn scenario is reported as a ratio
to this floor measured in the same run, so a slow or busy machine moves both.

- ``GET /floor/read?id=N``: one primary-key SELECT on a small table, rendered
  through a small Jinja template (the least a page of ours does).
- ``GET /floor/write``: one INSERT and a commit (the least a progress write does).

Served by ``gunicorn floor_app:app`` with ``FLOOR_DATABASE_URL`` set; the tables
are made by ``prepare(url)`` (the runner calls it before starting the server).
"""

from __future__ import annotations

import datetime as dt
import os
import random
from typing import Any

from flask import Flask, abort, render_template, request
from jinja2 import DictLoader
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    select,
)

ITEMS = 1000
metadata = MetaData()
floor_items = Table(
    "floor_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("value", Integer, nullable=False),
)
floor_writes = Table(
    "floor_writes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
)

PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{{ item.name }}</title></head>
<body><main><h1>{{ item.name }}</h1><p>Nilai: {{ item.value }}</p>
<ul>{% for n in range(5) %}<li>{{ item.name }} #{{ n }}</li>{% endfor %}</ul></main></body></html>
"""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """The same pragmas elearn sets (elearn/core/database.py), so SQLite behaves the same."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """One pooled engine with elearn's engine options (``pool_pre_ping``) and SQLite pragmas."""
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def prepare(url: str) -> None:
    """Create the floor's two tables (once) and fill ``floor_items``."""
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        if conn.scalar(select(floor_items.c.id).limit(1)) is None:
            rows = [{"id": i, "name": f"Butir {i}", "value": i * 7 % 101} for i in range(1, ITEMS + 1)]
            conn.execute(insert(floor_items), rows)
    engine.dispose()


def create_floor_app(url: str) -> Flask:
    """The floor app on database ``url``."""
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"floor.html": PAGE})
    engine = make_engine(url)

    @app.get("/floor/read")
    def read() -> Any:
        """One primary-key SELECT and a template."""
        item_id = request.args.get("id", type=int) or random.randint(1, ITEMS)
        with engine.connect() as conn:
            item = conn.execute(select(floor_items).where(floor_items.c.id == item_id)).first()
        if item is None:
            abort(404)
        return render_template("floor.html", item=item)

    @app.get("/floor/write")
    def write() -> Any:
        """One INSERT and a commit."""
        with engine.begin() as conn:
            conn.execute(
                insert(floor_writes).values(item_id=random.randint(1, ITEMS), written_at=dt.datetime.now(dt.UTC))
            )
        return {"ok": True}

    @app.get("/floor/health")
    def health() -> Any:
        """Ready to serve."""
        return {"status": "ok"}

    return app


app = create_floor_app(os.environ["FLOOR_DATABASE_URL"]) if "FLOOR_DATABASE_URL" in os.environ else None
