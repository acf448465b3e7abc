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
