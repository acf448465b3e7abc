"""Check and load a content tree: the one code path under ``elearn content check/load`` and course uploads.

``parse_tree`` is the check (every problem as an ``Issue``, nothing written); ``load_courses``
writes checked courses in the caller's transaction (flushes, never commits) and keeps this
load's renders. The CLI and the upload pages call exactly these two functions, so a course
uploaded from the browser is checked and loaded as ``elearn content load DIR`` would.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from elearn.content.issues import Issue
from elearn.content.renders import keep_renders
from elearn.content.specs import CourseSpec
from elearn.content.sync import CourseReport, Tally, sync_courses
from elearn.core.markup import RenderCache, using_render_cache


def parse_tree(
    root: Path, display_root: str, cache: RenderCache, *, iframe_hosts: tuple[str, ...], parallel: bool = True
) -> tuple[list[CourseSpec], list[Issue]]:
    """Parse a root of course folders or one course folder, reusing and filling ``cache``.

    Issues name files under ``display_root``. ``parallel`` lets lesson bodies render in
    worker processes (the CLI); a sandboxed check renders in its own process only.
    """
    from elearn.content.prerender import prerendering
    from elearn.content.tree import parse_content

    with using_render_cache(cache), prerendering() if parallel else nullcontext():
        return parse_content(root, display_root, iframe_hosts=iframe_hosts)


@dataclass
class LoadResult:
    """What a load did: one report per course, their total, and how many archived items were pruned."""

    reports: list[CourseReport]
    total: Tally
    pruned: int | None = None


def load_courses(courses: list[CourseSpec], cache: RenderCache, *, prune: bool = False) -> LoadResult:
    """Write checked courses into the session (flushes, never commits) and keep the new renders."""
    from elearn.content.prune import prune_archived

    reports = sync_courses(courses)
    total = Tally()
    for report in reports:
        total += report.tally
    pruned = prune_archived([report.code for report in reports]) if prune else None
    keep_renders(cache, forget_unused=prune)
    return LoadResult(reports, total, pruned)
