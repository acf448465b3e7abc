"""Named signals: how a lower domain causes a reaction higher up without an import cycle.

Receivers run in the same request and transaction as the sender.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

course_completed = _signals.signal("course-completed")
"""Sent once when a learner first completes a course.

Sender: the ``Enrolment`` (its ``completed_at`` just set). Certificates listen
to issue one in the same transaction.
"""
