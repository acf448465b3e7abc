"""``elearn mail send``: send the outbox (cron, every minute, on any number of servers at once)."""

from __future__ import annotations

import click
from flask.cli import AppGroup


@click.group(cls=AppGroup)
def mail() -> None:
    """Email: notifications and password-reset links, sent after their transaction commits."""


@mail.command("send")
@click.option("--batch", default=200, show_default=True, help="Mails claimed at a time.")
def send_command(batch: int) -> None:
    """Send every mail waiting in the outbox (nothing to do when ELEARN_SMTP_URL is not set)."""
    from flask import current_app

    from elearn.notifications.mail import send_pending

    if not current_app.config.get("ELEARN_SMTP_URL"):
        click.echo("ELEARN_SMTP_URL is not set: no mail is written or sent")
        return
    result = send_pending(batch)
    click.echo(f"{result.sent} sent, {result.dropped} without an address, {result.failed} to try again later")
    for error in result.errors[:20]:
        click.echo(f"  {error}", err=True)
    if result.failed:
        raise SystemExit(1)
