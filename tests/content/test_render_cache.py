"""Kept renders make an unchanged reload render nothing, and never hide a problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from elearn.content import prerender
from elearn.content.models import RenderedHtml
from elearn.content.tree import parse_content
from elearn.core import markup
from elearn.core.markup import RenderCache, using_render_cache
from elearn.extensions import db
from tests.coursetree import build_course, write
from tests.factories import load_content


@pytest.fixture
def render_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = markup.render_markdown

    def counting(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(markup, "render_markdown", counting)
    return calls


def test_an_unchanged_reload_renders_nothing_and_an_edit_renders_one_body(
    app: Flask, tmp_path: Path, render_calls: list[str]
) -> None:
    course = build_course(tmp_path, "RC-1")
    load_content(app, tmp_path)
    assert render_calls
    assert (db.session.scalar(select(func.count()).select_from(RenderedHtml)) or 0) > 0
    render_calls.clear()
    load_content(app, tmp_path)
    assert render_calls == []
    write(course / "01-modul-1" / "02-pelajaran-2.md", "# Pelajaran 1.2\n\nIsi baru.\n")
    load_content(app, tmp_path)
    assert len(render_calls) == 1
    assert "Isi baru." in render_calls[0]


def test_a_kept_render_never_hides_a_broken_link(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, "RC-2")
    load_content(app, tmp_path)
    (course / "media" / "gambar.svg").unlink()  # lesson texts unchanged, their image gone
    result = app.test_cli_runner().invoke(args=["content", "load", str(tmp_path)])
    assert result.exit_code == 1
    assert "media file 'gambar.svg' not found" in result.output


def test_a_dry_run_keeps_no_render(app: Flask, tmp_path: Path) -> None:
    build_course(tmp_path, "RC-3")
    app.test_cli_runner().invoke(args=["content", "load", str(tmp_path), "--dry-run"])
    assert db.session.scalar(select(func.count()).select_from(RenderedHtml)) == 0


def test_rendering_in_worker_processes_gives_the_same_courses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        build_course(tmp_path, f"PAR-{n}", modules=2, lessons=3)
    serial, serial_issues = parse_content(tmp_path, "content")
    monkeypatch.setattr(prerender, "MIN_BATCH", 1)
    cache = RenderCache()
    with using_render_cache(cache), prerender.prerendering():
        parallel, parallel_issues = parse_content(tmp_path, "content")
    assert parallel == serial
    assert parallel_issues == serial_issues == []
    assert cache.rendered
