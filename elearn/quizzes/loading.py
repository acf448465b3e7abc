"""An attempt's questions, as the engine works with them: specs, types and layouts.

Question versions never change once written (a reload adds a version), so
their parsed specs are kept per process under the version's id *and content
hash*: a save or submit reads no question content from the database after the
first time. A content load is still seen at once (it writes new versions), and
an id reused after a prune (SQLite may reuse the highest ids) never serves the
old content, because its hash differs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from elearn.content.specs import QuestionSpec
from elearn.extensions import db
from elearn.quizzes.models import Attempt, QuestionVersion
from elearn.quizzes.questions import QuestionKind, kind_of, question_from_stored

_CACHE_SIZE = 20_000
_cache: OrderedDict[tuple[int, str], tuple[QuestionSpec, Decimal]] = OrderedDict()
VersionKey = tuple[int, str]
"""(question version id, content hash)"""
_lock = threading.Lock()


@dataclass(frozen=True)
class AttemptQuestion:
    """One question of an attempt: which version, its spec and points, its type and its layout."""

    question_id: int
    version_id: int
    spec: QuestionSpec
    points: Decimal
    layout: dict[str, Any]

    @property
    def kind(self) -> QuestionKind:
        """The question's type (the registry decides everything type-specific)."""
        return kind_of(self.spec.type)

    @property
    def key(self) -> str:
        """The question's id as the API names it (answers are keyed by it)."""
        return str(self.question_id)


def specs_of(versions: Iterable[VersionKey]) -> dict[int, tuple[QuestionSpec, Decimal]]:
    """Parsed specs and points of question versions by id, from the process cache or one query."""
    wanted = set(versions)
    with _lock:
        cached = {key: _cache[key] for key in wanted if key in _cache}
    found = {key[0]: value for key, value in cached.items()}
    missing = sorted({vid for vid, _digest in wanted} - found.keys())
    if missing:
        rows = db.session.execute(
            select(
                QuestionVersion.id,
                QuestionVersion.content_hash,
                QuestionVersion.content,
                QuestionVersion.schema_version,
                QuestionVersion.points,
            ).where(QuestionVersion.id.in_(missing))
        )
        loaded = {
            (vid, digest): (question_from_stored(content, schema), points)
            for vid, digest, content, schema, points in rows
        }
        found.update({key[0]: value for key, value in loaded.items()})
        with _lock:
            _cache.update(loaded)
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return found


def attempt_questions(attempt: Attempt) -> list[AttemptQuestion]:
    """The attempt's questions in the order shown."""
    entries: Sequence[dict[str, Any]] = attempt.layout
    specs = specs_of((entry["version"], entry["hash"]) for entry in entries)
    return [
        AttemptQuestion(
            question_id=entry["question"],
            version_id=entry["version"],
            spec=specs[entry["version"]][0],
            points=specs[entry["version"]][1],
            layout=entry["layout"],
        )
        for entry in entries
    ]
