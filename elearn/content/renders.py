"""The render cache of content loads, kept in the database between loads.

An unchanged reload then renders nothing: every fragment's HTML is found by
the hash of what it was rendered from. Only renders of successful loads are
kept, so a kept render never hides a problem.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from elearn.content.models import RenderedHtml
from elearn.core.markup import RenderCache
from elearn.core.time import now
from elearn.extensions import db


def known_renders() -> RenderCache:
    """A cache holding every kept render."""
    return RenderCache({key: html for key, html in db.session.execute(select(RenderedHtml.key, RenderedHtml.html))})


def keep_renders(cache: RenderCache, *, forget_unused: bool = False) -> None:
    """Store this load's new renders; with ``forget_unused``, drop kept ones it did not use."""
    moment = now()
    rows = [{"key": key, "html": html, "created_at": moment} for key, html in cache.rendered.items()]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(RenderedHtml), rows[start : start + 1000])
    if forget_unused:
        unused = sorted(set(cache.known) - cache.used)
        for start in range(0, len(unused), 1000):
            db.session.execute(delete(RenderedHtml).where(RenderedHtml.key.in_(unused[start : start + 1000])))


def cache_of(renders: dict[str, str]) -> RenderCache:
    """A cache holding ``renders`` made elsewhere (a checking child process): those already kept are
    ``known``, the others count as this load's new renders, to be kept if it succeeds."""
    from elearn.core.database import chunks

    kept: set[str] = set()
    for chunk in chunks(sorted(renders)):
        kept.update(db.session.scalars(select(RenderedHtml.key).where(RenderedHtml.key.in_(chunk))))
    cache = RenderCache({key: html for key, html in renders.items() if key in kept})
    for key, html in renders.items():
        if key not in kept:
            cache.put(key, html)
    return cache
