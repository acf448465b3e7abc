"""When a course takes self-enrolments, and how a typed reason is kept: pure rules over plain values."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata


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


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def clean_reason(text: str | None) -> str:
    """A reason as stored: Unicode-normalised, control and direction characters dropped, spaces and
    line breaks collapsed to single spaces, trimmed. Its length is checked by the caller; markup is
    left as typed and escaped wherever it is shown."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    return " ".join(_CONTROL.sub(" ", text).split())
