"""Writing the JP ledger, and the calendar-year bounds every JP figure is counted in.

An entry is written once: when a course is completed (the ``course_completed`` signal, in the
completing transaction) and when an external record is approved. Years are calendar years in the
deployment's time zone; their bounds are computed here, in Python, as UTC instants, so queries
compare plain UTC timestamps on every backend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy import and_, select

from elearn.catalogue.models import Course
from elearn.core.database import insert_ignoring_duplicates
from elearn.core.time import local_date, now, start_of_day, year_bounds
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.reports.models import ExternalRecord, JpEntry

#: The method a course taken in elearn is recorded with (SIASN's training history wants one).
E_LEARNING = "e-learning"


def timezone() -> str:
    """The deployment's time zone name."""
    return str(current_app.config["ELEARN_TIMEZONE"])


def bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of ``year`` in the deployment's time zone, in UTC."""
    return year_bounds(year, timezone())


def current_year() -> int:
    """This calendar year in the deployment's time zone."""
    return local_date(now(), timezone()).year


def course_entry(enrolment: Enrolment, course: Course) -> dict[str, Any]:
    """The ledger row of a completed enrolment, with the course's JP and title as they are now."""
    assert enrolment.completed_at is not None  # noqa: S101 - only completed enrolments earn JP
    zone = timezone()
    return {
        "user_id": enrolment.user_id,
        "source": "course",
        "course_id": course.id,
        "record_id": None,
        "title": course.title,
        "competency": course.competency,
        "method": E_LEARNING,
        "organiser": str(current_app.config["ELEARN_CERT_INSTITUTION"]),
        "jp": course.jp,
        "started_on": local_date(enrolment.enrolled_at, zone),
        "ended_on": local_date(enrolment.completed_at, zone),
        "earned_at": enrolment.completed_at,
        "created_at": now(),
    }


def record_course_jp(enrolment: Enrolment) -> None:
    """Write the JP a completed course earned, once (a second call changes nothing)."""
    course = db.session.get(Course, enrolment.course_id)
    if course is not None:
        insert_ignoring_duplicates(JpEntry, course_entry(enrolment, course))


def record_external_jp(record: ExternalRecord) -> None:
    """Write the JP of an approved external record, counted on the day it ended."""
    insert_ignoring_duplicates(
        JpEntry,
        {
            "user_id": record.user_id,
            "source": "external",
            "course_id": None,
            "record_id": record.id,
            "title": record.title,
            "competency": record.competency,
            "method": record.method,
            "organiser": record.organiser,
            "jp": record.jp,
            "started_on": record.started_on,
            "ended_on": record.ended_on,
            "earned_at": start_of_day(record.ended_on, timezone()),
            "created_at": now(),
        },
    )


def on_course_completed(enrolment: Enrolment, **_extra: Any) -> None:
    """``course_completed`` receiver: the ledger entry, in the completing transaction."""
    record_course_jp(enrolment)


def record_missing_course_jp(batch: int = 500) -> int:
    """Write the ledger entries of completed enrolments that have none (completions from before the
    ledger existed); the periodic sweep calls it until it returns 0. Uses today's course JP."""
    rows = db.session.execute(
        select(Enrolment, Course)
        .join(Course, Course.id == Enrolment.course_id)
        .outerjoin(JpEntry, and_(JpEntry.user_id == Enrolment.user_id, JpEntry.course_id == Enrolment.course_id))
        .where(Enrolment.completed_at.is_not(None), JpEntry.id.is_(None))
        .order_by(Enrolment.id)
        .limit(batch)
    ).all()
    if rows:
        insert_ignoring_duplicates(JpEntry, [course_entry(enrolment, course) for enrolment, course in rows])
    return len(rows)
