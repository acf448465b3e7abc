"""Revisions: how every app process learns at once that cached data changed.

A writer bumps a named revision in the transaction that changes the data (a content load bumps
``content``); a reader compares the revision with the one its cache was built at. Reading it costs
nothing extra on the hot paths: the session and token look-ups select it in the same query
(``revision_of``), and ``current`` keeps it for the rest of the request.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import g, has_app_context
from sqlalchemy import ScalarSelect, select
from sqlalchemy.dialects import postgresql, sqlite

from elearn.core.models import Revision
from elearn.extensions import db

CONTENT = "content"


def revision_of(name: str) -> ScalarSelect[int]:
    """A scalar subquery of a revision, to select alongside a hot path's first query."""
    return select(Revision.value).where(Revision.name == name).scalar_subquery()


def remember(name: str, value: int | None) -> None:
    """Keep a revision read by another query for the rest of this request."""
    if has_app_context():
        g.setdefault("elearn_revisions", {})[name] = value or 0


def current(name: str) -> int:
    """The revision as of this request (read once, then kept for the request)."""
    known: dict[str, int] = g.setdefault("elearn_revisions", {}) if has_app_context() else {}
    if name not in known:
        known[name] = db.session.scalar(select(Revision.value).where(Revision.name == name)) or 0
    return known[name]


def bump(name: str) -> None:
    """Mark ``name`` changed, in the writer's transaction (readers see it when that commits).

    The new value is random rather than the old one plus one, so a database restored from a
    backup or emptied and reloaded never shows a revision a running process already cached.
    """
    dialect: Any = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = Revision.__table__
    value = secrets.randbits(62) or 1
    statement = dialect.insert(table).values(name=name, value=value)
    db.session.execute(statement.on_conflict_do_update(index_elements=[table.c.name], set_={"value": value}))
    if has_app_context():
        g.setdefault("elearn_revisions", {}).pop(name, None)
