"""``elearn certificates sweep``: the periodic clean-up, safe to run from cron at any interval.

Each step is idempotent and runs in batches, each committed, so a long backlog never holds one
huge transaction: finish overdue quiz attempts (which may complete courses, and so issue their
certificates), write JP ledger entries missing for completed courses, issue certificates that
are due, and forget expired credentials and rate-limit windows.
"""

from __future__ import annotations

from collections.abc import Callable

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
    from elearn.certificates.services import issue_due
    from elearn.core.limits import purge_expired
    from elearn.quizzes.attempts import finish_overdue
    from elearn.reports.ledger import record_missing_course_jp

    finished = _in_batches(finish_overdue)
    ledger = _in_batches(record_missing_course_jp)
    issued = _in_batches(issue_due)
    counts = purge_expired_credentials()
    counts["rate-limit windows"] = purge_expired()
    db.session.commit()
    click.echo(f"{finished} overdue attempt(s) finished")
    click.echo(f"{ledger} missing JP ledger entr(y/ies) written")
    click.echo(f"{issued} certificate(s) issued")
    click.echo(", ".join(f"{n} {what} purged" for what, n in counts.items()))


def _in_batches(step: Callable[[], int]) -> int:
    """Run ``step`` until it does nothing, committing after each batch; the total it did."""
    total = 0
    while True:
        done = step()
        db.session.commit()
        total += done
        if not done:
            return total
