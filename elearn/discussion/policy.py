"""Who may do what in a course discussion: pure rules over plain values.

Readers and writers are the course's active learners, its instructors and admins; moderators are
its instructors and admins. An author edits their own post within ``EDIT_WINDOW`` of writing it,
unless it was hidden. Everyone who reads may report someone else's post.
"""

from __future__ import annotations

import datetime as dt

EDIT_WINDOW = dt.timedelta(minutes=30)
MAX_POST = 5000  # characters of Markdown
MAX_REASON = 500


def takes_part(*, enrolled: bool, teaches: bool, is_admin: bool) -> bool:
    """Reads and writes the discussion: an active learner of the course, its instructor, an admin."""
    return enrolled or teaches or is_admin


def moderates(*, teaches: bool, is_admin: bool) -> bool:
    """Hides and restores posts and sees hidden ones: the course's instructors and admins."""
    return teaches or is_admin


def may_edit(*, author_id: int, user_id: int, created_at: dt.datetime, moment: dt.datetime, hidden: bool) -> bool:
    """The author, within the edit window, of a post that is not hidden."""
    return author_id == user_id and not hidden and moment - created_at <= EDIT_WINDOW


def body_problem(body: str) -> str | None:
    """Why a post's text is refused (``empty``, ``too_long``), or None."""
    if not body.strip():
        return "empty"
    if len(body) > MAX_POST:
        return "too_long"
    return None
