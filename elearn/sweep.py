"""``elearn certificates sweep``: the periodic clean-up, safe to run from cron at any interval.

Each step is idempotent and the whole sweep is one transaction. The quiz
engine adds "finish overdue attempts" and certificates add "issue what is
due"; today it forgets expired credentials and rate-limit windows.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from elearn.extensions import db


@click.group(cls=AppGroup)
def certificates() -> None:
    """Certificates and the periodic sweep."""


@certificates.command("sweep")
def sweep_command() -> None:
    """Finish overdue quiz attempts, issue certificates that are due, and purge expired tokens,
    sessions, sign-in failures and rate-limit counters (safe to run from cron)."""
    from elearn.accounts.services import purge_expired_credentials
    from elearn.core.limits import purge_expired
    from elearn.quizzes.attempts import finish_overdue

    finished = 0
    while True:  # in batches, each committed: a long backlog never holds one huge transaction
        batch = finish_overdue()
        db.session.commit()
        finished += batch
        if not batch:
            break
    counts = purge_expired_credentials()
    counts["rate-limit windows"] = purge_expired()
    db.session.commit()
    click.echo(f"{finished} overdue attempt(s) finished")
    click.echo(", ".join(f"{n} {what} purged" for what, n in counts.items()))
