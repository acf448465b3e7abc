"""Course discussions: one thread list per course (and per lesson when the course turns it on)."""
