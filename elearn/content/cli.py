"""``elearn content``: check, load and export course content."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from elearn.content.loading import load_courses, parse_tree
from elearn.content.renders import known_renders
from elearn.content.specs import CourseSpec
from elearn.core.markup import RenderCache
from elearn.extensions import db


@click.group(cls=AppGroup)
def content() -> None:
    """Check, load and export course content (Markdown and GIFT)."""


def _parse_or_exit(directory: str, cache: RenderCache) -> list[CourseSpec]:
    """Parse DIR (reusing and filling ``cache``); on any issue print every one to stderr and exit 1."""
    root = Path(directory)
    if not root.is_dir():
        click.echo(f"{directory}:1: not a directory", err=True)
        sys.exit(1)
    hosts = tuple(current_app.config.get("ELEARN_IFRAME_HOSTS", ()))
    courses, issues = parse_tree(root, directory, cache, iframe_hosts=hosts)
    if issues:
        for issue in issues:
            click.echo(str(issue), err=True)
        sys.exit(1)
    return courses


@content.command("check")
@click.argument("directory")
def check_command(directory: str) -> None:
    """Validate DIR (a root of courses or one course folder); exit 1 on any error."""
    courses = _parse_or_exit(directory, known_renders())
    click.echo(f"{len(courses)} course(s) OK")


@content.command("load")
@click.argument("directory")
@click.option("--dry-run", is_flag=True, help="Validate and report what would change; write nothing.")
@click.option("--prune", is_flag=True, help="Delete archived items that no learner ever touched.")
def load_command(directory: str, dry_run: bool, prune: bool) -> None:
    """Load DIR into the database in one transaction (all or nothing)."""
    from elearn.audit import services as audit

    cache = known_renders()
    courses = _parse_or_exit(directory, cache)
    try:
        result = load_courses(courses, cache, prune=prune)
        # An unchanged reload stays a load that writes nothing, audit included.
        if not dry_run and (result.total.changed() or result.pruned):
            audit.record(
                None,
                "course.load",
                target_type="course",
                target_id=",".join(report.code for report in result.reports),
                summary=f"command line: {result.total.line()}",
                details={"counts": {r.code: dict(r.tally.counts) for r in result.reports}, "prune": prune},
            )
    except Exception:
        db.session.rollback()
        raise
    for report in result.reports:
        click.echo(f"{report.code}: {report.tally.line()}")
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    if result.pruned is not None:
        click.echo(f"{result.pruned} archived item(s) pruned{' (dry run)' if dry_run else ''}")
    click.echo(result.total.line())


@content.command("export-gift")
@click.argument("course_code")
@click.argument("quiz_slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
def export_gift_command(course_code: str, quiz_slug: str, output: str | None) -> None:
    """Write a quiz's current questions as Moodle GIFT."""
    from elearn.content.export import export_quiz_gift
    from elearn.content.gift_writer import GiftWriteError
    from elearn.errors import DomainError

    try:
        text = export_quiz_gift(course_code, quiz_slug)
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    except GiftWriteError as error:
        click.echo(f"{course_code}/{quiz_slug}: cannot be written as GIFT: {error}", err=True)
        sys.exit(1)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
