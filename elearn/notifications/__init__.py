"""Notifications: what happened to a person's enrolments, quizzes, certificates and records, in the app
and by email (an outbox drained after commit)."""
