"""The clock, injectable so deadlines are tested without sleeping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

_clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731


def now() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return _clock()


def set_clock(clock: Callable[[], dt.datetime] | None) -> None:
    """Replace the clock (tests); ``None`` restores the real one."""
    global _clock
    _clock = clock if clock is not None else (lambda: dt.datetime.now(dt.UTC))


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with offset, as the API shows times."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def local_date(value: dt.datetime, timezone: str) -> dt.date:
    """The calendar date of ``value`` in the deployment's time zone."""
    return value.astimezone(ZoneInfo(timezone)).date()


def year_bounds(year: int, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of calendar ``year`` in ``timezone``, as UTC instants: reports filter plain
    UTC timestamps with them instead of converting zones in SQL."""
    zone = ZoneInfo(timezone)
    start = dt.datetime(year, 1, 1, tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=zone).astimezone(dt.UTC)
    return start, end


def start_of_day(day: dt.date, timezone: str) -> dt.datetime:
    """The UTC instant at which ``day`` starts in ``timezone``."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone)).astimezone(dt.UTC)
