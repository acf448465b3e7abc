"""Render lesson bodies on every core before the (sequential) parse needs them.

Python-Markdown takes a few milliseconds a lesson; a first load of thousands
of lessons spends most of its time there. When a ``RenderCache`` is active
and enough lessons are not in it yet, they are rendered in worker processes
and put into the cache; the parse then finds them there. Renders that report
a problem are dropped, so the parse renders those again and reports them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar

from elearn.content.issues import IssueList
from elearn.content.lessons import BodyRenderer, CourseIndex, LessonSource
from elearn.core.markup import active_render_cache

#: Below this many uncached lessons, starting worker processes costs more than it saves.
MIN_BATCH = 24

_executor: ContextVar[Executor | None] = ContextVar("elearn_prerender_executor", default=None)

Job = tuple[str, str, int, str, CourseIndex, tuple[str, ...]]
"""(file text, body, body's first line, course-relative path, index, iframe hosts)"""


@contextmanager
def prerendering() -> Iterator[None]:
    """Allow ``prerender_lessons`` to use worker processes inside the block (started on first need)."""
    workers = os.cpu_count() or 1
    if workers < 2 or _executor.get() is not None:
        yield
        return
    # forkserver: workers start clean, without the parent's database connections or threads.
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
    token = _executor.set(executor)
    try:
        yield
    finally:
        _executor.reset(token)
        executor.shutdown(wait=True, cancel_futures=True)


def _render(job: Job) -> str | None:
    text, body, body_line, rel, index, hosts = job
    issues = IssueList(rel)
    html = BodyRenderer(text, issues, index=index, file_rel=rel, iframe_hosts=hosts).render_uncached(body, body_line)
    return None if issues else html


def prerender_lessons(sources: Iterable[LessonSource], index: CourseIndex, iframe_hosts: tuple[str, ...]) -> None:
    """Render the lessons the active cache lacks, in parallel, into the cache."""
    cache, executor = active_render_cache(), _executor.get()
    if cache is None or executor is None:
        return
    keyed: dict[str, Job] = {}
    for source in sources:
        renderer = BodyRenderer(
            source.text, IssueList(source.rel), index=index, file_rel=source.rel, iframe_hosts=iframe_hosts
        )
        key = renderer.cache_key(source.front.body)
        if not cache.has(key):
            keyed[key] = (source.text, source.front.body, source.front.body_line, source.rel, index, iframe_hosts)
    if len(keyed) < MIN_BATCH:
        return
    for key, job in keyed.items():
        try:
            future = executor.submit(_render, job)
        except (BrokenProcessPool, RuntimeError):
            return  # only an optimisation: the parse renders the rest itself
        cache.pending[key] = _Safe(future)


class _Safe(Future[str | None]):
    """A future whose failure (a worker died) reads as "render it yourself"."""

    def __init__(self, inner: Future[str | None]) -> None:
        super().__init__()
        self._inner = inner

    def result(self, timeout: float | None = None) -> str | None:
        """The worker's HTML, or None when it failed."""
        try:
            return self._inner.result(timeout)
        except (BrokenProcessPool, OSError):
            return None
