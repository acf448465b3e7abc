"""The enrolment part of a person's data export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from elearn.accounts.models import User
from elearn.catalogue.models import Course
from elearn.core.owndata import section
from elearn.enrolment.models import Enrolment
from elearn.extensions import db


@section("enrolments", order=20)
def enrolments(user: User) -> list[dict[str, Any]]:
    """Every course the person is enrolled in, with who enrolled or approved them and when."""
    enroller, approver = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Enrolment, Course.code, Course.title, enroller.username, approver.username)
        .join(Course, Course.id == Enrolment.course_id)
        .outerjoin(enroller, enroller.id == Enrolment.enrolled_by_id)
        .outerjoin(approver, approver.id == Enrolment.approved_by_id)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    )
    return [
        {
            "course": code,
            "course_title": title,
            "status": enrolment.status,
            "enrolled_at": enrolment.enrolled_at,
            "enrolled_by": enrolled_by,
            "approved_at": enrolment.approved_at,
            "approved_by": approved_by,
            "completed_at": enrolment.completed_at,
            "last_activity_at": enrolment.last_activity_at,
        }
        for enrolment, code, title, enrolled_by, approved_by in rows
    ]
