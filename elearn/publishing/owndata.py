"""The course-upload part of a person's data export: what they uploaded and published (not the ZIPs)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from elearn.accounts.models import User
from elearn.core.owndata import section
from elearn.extensions import db
from elearn.publishing.models import CourseUpload


@section("course_uploads", order=70)
def course_uploads(user: User) -> list[dict[str, Any]]:
    """Course ZIPs they uploaded or published: when, which file and course, and the outcome."""
    uploads = db.session.scalars(
        select(CourseUpload)
        .where(or_(CourseUpload.uploaded_by_id == user.id, CourseUpload.published_by_id == user.id))
        .order_by(CourseUpload.uploaded_at, CourseUpload.id)
    )
    return [
        {
            "uploaded_at": upload.uploaded_at,
            "uploaded_by": upload.uploaded_by_username,
            "filename": upload.filename,
            "sha256": upload.sha256,
            "course": upload.course_code,
            "status": upload.status,
            "published_at": upload.published_at,
            "published_by": upload.published_by_username,
        }
        for upload in uploads
    ]
