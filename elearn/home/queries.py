"""What the home page shows, read with a fixed handful of queries whatever a person's history."""

from __future__ import annotations

from dataclasses import dataclass

from elearn.notifications.models import Notification
from elearn.notifications.queries import latest
from elearn.progress.queries import CourseSummary, course_summaries
from elearn.quizzes.queries import OpenAttempt, open_attempts
from elearn.reports.ledger import current_year
from elearn.reports.queries import own_total, target

#: Notifications the home page shows (the rest are on the notifications page).
LATEST_NOTIFICATIONS = 5


@dataclass(frozen=True)
class Home:
    """One person's home page."""

    learning: list[CourseSummary]  # active enrolments not yet complete, most recently used first
    completed: list[CourseSummary]
    pending: list[CourseSummary]  # enrolment requests awaiting approval
    year: int
    jp: int
    jp_target: int
    attempts: list[OpenAttempt]
    notifications: list[Notification]

    @property
    def jp_missing(self) -> int:
        """JP still to earn this year to meet the target (0 once met)."""
        return max(self.jp_target - self.jp, 0)


def home_of(user_id: int) -> Home:
    """The home page of ``user_id``: four queries (enrolments and progress, the year's JP, open attempts,
    the latest notifications) over the cached course structure."""
    summaries = course_summaries(user_id, enrolled_only=True)
    active = [s for s in summaries if s.enrolled]
    learning = [s for s in active if s.enrolment is not None and s.enrolment.completed_at is None]
    learning.sort(key=lambda s: _last_used(s), reverse=True)
    year = current_year()
    return Home(
        learning=learning,
        completed=[s for s in active if s not in learning],
        pending=[s for s in summaries if s.enrolment is not None and s.enrolment.status == "pending"],
        year=year,
        jp=own_total(user_id, year),
        jp_target=target(),
        attempts=open_attempts(user_id),
        notifications=latest(user_id, LATEST_NOTIFICATIONS),
    )


def _last_used(summary: CourseSummary) -> float:
    enrolment = summary.enrolment
    moment = getattr(enrolment, "last_activity_at", None) or getattr(enrolment, "enrolled_at", None)
    return moment.timestamp() if moment is not None else 0.0
