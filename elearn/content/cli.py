"""``elearn content``: check, load and export course content."""

from __future__ import annotations

import click


@click.group()
def content() -> None:
    """Check, load and export course content (Markdown and GIFT)."""
