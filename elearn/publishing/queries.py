"""Read-only lists of course uploads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from elearn.catalogue.policy import Actor
from elearn.extensions import db
from elearn.publishing.models import CourseUpload


@dataclass(frozen=True)
class UploadPage:
    """A page of uploads, newest first, and how many there are."""

    items: list[CourseUpload]
    total: int
    page: int
    per_page: int


def list_uploads(actor: Actor, *, page: int = 1, per_page: int = 50) -> UploadPage:
    """Uploads ``actor`` may see (admins: everyone's; others: their own), in two queries;
    the archives and previews themselves are not loaded."""
    query = select(CourseUpload)
    if not actor.is_admin:
        query = query.where(CourseUpload.uploaded_by_id == actor.user_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.order_by(CourseUpload.uploaded_at.desc(), CourseUpload.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return UploadPage(list(items), total, page, per_page)
