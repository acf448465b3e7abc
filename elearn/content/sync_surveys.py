"""Write a course's feedback survey: part of ``sync.py``'s load, in its transaction.

The survey is upserted by its slug in the course (a course has at most one live survey: any other
is archived), its items by identity (``{id=...}``, else a hash of file and stem, as questions), and
an item whose content changed gets a new ``SurveyItemVersion`` (answers keep pointing at the
version they answered). Learners' answers are never touched. Flushes, never commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn.content.specs import SurveyItemSpec, SurveySpec
from elearn.content.sync import Tally, _archive, _update, _upsert, content_hash, question_keys
from elearn.evaluation.models import Survey, SurveyItem, SurveyItemVersion
from elearn.extensions import db


def sync_survey(course_id: int, spec: SurveySpec | None, tally: Tally) -> None:
    """Upsert the course's survey (``spec``; None: it has none) and archive any other."""
    rows = db.session.scalars(select(Survey).where(Survey.course_id == course_id)).all()
    seen: set[int] = set()
    if spec is not None:
        desired = {
            "course_id": course_id,
            "slug": spec.slug,
            "title": spec.title,
            "intro_html": spec.intro_html,
            "is_required": spec.required,
        }
        survey, _outcome = _upsert(next((r for r in rows if r.slug == spec.slug), None), Survey, desired, tally)
        db.session.flush()
        seen.add(survey.id)
        _sync_items(survey, spec.items, tally)
    _archive(rows, seen, tally)


def _sync_items(survey: Survey, items: tuple[SurveyItemSpec, ...], tally: Tally) -> None:
    current = db.session.execute(
        select(SurveyItem, SurveyItemVersion.content_hash)
        .join(
            SurveyItemVersion,
            (SurveyItemVersion.item_id == SurveyItem.id) & (SurveyItemVersion.number == SurveyItem.version),
        )
        .where(SurveyItem.survey_id == survey.id)
    ).all()
    by_key = {row.key: (row, digest) for row, digest in current}
    seen: set[int] = set()
    created: list[tuple[SurveyItem, SurveyItemSpec, dict[str, Any], str]] = []
    for position, (key, item) in enumerate(zip(question_keys(items), items, strict=True), start=1):
        content = item.content()
        digest = content_hash(content)
        found = by_key.get(key)
        if found is None:
            row = SurveyItem(survey_id=survey.id, key=key, position=position, version=1)
            db.session.add(row)
            created.append((row, item, content, digest))
            tally.add("created")
            continue
        row, old_digest = found
        changed = _update(row, {"position": position})
        if row.archived_at is not None:
            row.archived_at, changed = None, True
        if old_digest != digest:
            row.version += 1
            _add_version(row, row.version, item, content, digest)
            changed = True
        tally.add("updated" if changed else "unchanged")
        seen.add(row.id)
    db.session.flush()  # one round trip gives every new item its id
    for row, item, content, digest in created:
        _add_version(row, 1, item, content, digest)
    _archive([row for row, _digest in current], seen, tally)


def _add_version(row: SurveyItem, number: int, item: SurveyItemSpec, content: dict[str, Any], digest: str) -> None:
    db.session.add(
        SurveyItemVersion(item_id=row.id, number=number, kind=item.kind, content=content, content_hash=digest)
    )
