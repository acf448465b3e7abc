"""Catalogue search: every word of the query, anywhere in a course's title, summary, tags, code and
module and lesson titles, whatever the letter case and accents, with the database's own full-text search.

The content loader stores each course's words once, normalised (``search_document``: accents
removed, case folded, punctuation turned into spaces), in ``courses.search_text``. PostgreSQL
matches them with ``to_tsvector('simple', search_text)`` (a GIN expression index serves it);
SQLite with an FTS5 table over the same column (``course_search``, ``unicode61 remove_diacritics 2``),
rebuilt by every load that changes content. The query is normalised the same way and rebuilt from
its words alone, so no character a person types (quotes, ``*``, ``NEAR``, ``-``, ``:``) reaches
either query language as an operator. Words of three letters or more also match as prefixes
("phish" finds "phishing").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import Table, event, func, literal_column, select, text
from sqlalchemy.engine import Connection

from elearn.extensions import db

#: The longest search a person may type (the search box's ``maxlength``; longer is refused).
MAX_QUERY_LENGTH = 100
#: Words of a query beyond this many are ignored.
MAX_WORDS = 12
#: Shorter words match whole words only ("ld", "a"); longer ones match as prefixes too.
PREFIX_FROM = 3

_WORD = re.compile(r"[^\W_]+")

#: The SQLite FTS5 table and the PostgreSQL index: made by migration b7c1e2d3f4a5 (catalogue full-text search), and by
#: ``create_all`` (tests) through the events below; not models, so schema comparison skips them.
FTS_TABLE = "course_search"
PG_INDEX = "ix_courses_search_text_fts"
SEARCH_OBJECTS = frozenset(
    {FTS_TABLE, PG_INDEX} | {f"{FTS_TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config")}
)
SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, content='courses', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_REBUILD = "INSERT INTO course_search(course_search) VALUES ('rebuild')"
SQLITE_MATCH = "SELECT rowid FROM course_search WHERE course_search MATCH :match"
PG_CREATE = f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON courses USING gin (to_tsvector('simple', search_text))"


def search_words(value: str) -> list[str]:
    """The words of ``value``: accents removed, case folded, split at anything not a letter or digit."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(plain.casefold())


def search_document(code: str, title: str, summary: str, tags: Iterable[str], titles: Iterable[str]) -> str:
    """What a course is found by (``titles``: of its modules and lessons), as ``courses.search_text``
    stores it (words separated by spaces)."""
    parts = [code, title, summary, *tags, *titles]
    return " ".join(word for part in parts for word in search_words(part))


Term = tuple[str, ...]
"""One word of a query as typed, in its normalised parts: ``LD-101`` is ``("ld", "101")``."""


def query_terms(query: str) -> list[Term]:
    """The terms of a query: its white-space separated words, each split into normalised parts (a
    word with punctuation inside, such as a course code, is matched as a phrase of its parts)."""
    terms: list[Term] = []
    for typed in query.split():
        parts = tuple(search_words(typed))
        if parts and parts not in terms:
            terms.append(parts)
    return terms[:MAX_WORDS]


def _prefix(term: Term) -> bool:
    return len(term[-1]) >= PREFIX_FROM


def fts5_query(terms: list[Term]) -> str:
    """An FTS5 ``MATCH`` expression requiring every term (quoted phrases of letters and digits: never an
    operator); a term whose last part is long enough also matches as a prefix."""
    return " AND ".join('"' + " ".join(term) + '"' + ("*" if _prefix(term) else "") for term in terms)


def tsquery(terms: list[Term]) -> str:
    """The same as a PostgreSQL ``to_tsquery`` text (``&`` between terms, ``<->`` inside one)."""
    return " & ".join(" <-> ".join(term) + (":*" if _prefix(term) else "") for term in terms)


def matching_course_ids(query: str) -> set[int]:
    """Ids of the courses whose words hold every term of ``query`` (one query; archived courses may be
    among them: callers keep live ones). A query without a letter or digit matches nothing."""
    words = query_terms(query)
    if not words:
        return set()
    if db.engine.dialect.name == "postgresql":
        from elearn.catalogue.models import Course

        vector = func.to_tsvector(literal_column("'simple'"), Course.search_text)
        condition = vector.op("@@")(func.to_tsquery(literal_column("'simple'"), tsquery(words)))
        return set(db.session.scalars(select(Course.id).where(condition)))
    found = db.session.scalars(text(SQLITE_MATCH), {"match": fts5_query(words)})
    return set(found)


def refresh_search_index() -> None:
    """After a load changed courses: SQLite's FTS5 table reads them again (PostgreSQL's index follows
    the column by itself)."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text(SQLITE_REBUILD))


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's filter: the search table and index are made by hand, not from the models."""
    return name not in SEARCH_OBJECTS


def _create(target: Table, connection: Connection, **kw: object) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text(SQLITE_CREATE))
    elif connection.dialect.name == "postgresql":
        connection.execute(text(PG_CREATE))


def _drop(target: Table, connection: Connection, **kw: object) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TABLE IF EXISTS course_search"))


def register_search_ddl(courses: Table) -> None:
    """Make ``create_all``/``drop_all`` create and drop the search table and index with ``courses``."""
    event.listen(courses, "after_create", _create)
    event.listen(courses, "before_drop", _drop)
