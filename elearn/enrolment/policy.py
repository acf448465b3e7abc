"""When a course takes self-enrolments: pure rules over plain values."""

from __future__ import annotations

import datetime as dt


def closed_because(enrolment: str, opens: dt.date | None, closes: dt.date | None, today: dt.date) -> str | None:
    """Why a course takes no self-enrolment today (``closed``, ``not_yet``, ``ended``), or None.

    The window is inclusive at both ends.
    """
    if enrolment == "closed":
        return "closed"
    if opens is not None and today < opens:
        return "not_yet"
    if closes is not None and today > closes:
        return "ended"
    return None
