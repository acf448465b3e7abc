"""Course ZIPs uploaded from the browser, kept with who, when, what and the outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import Base, IdMixin
from elearn.core.time import now

CHECKED = "checked"
PUBLISHED = "published"


class CourseUpload(IdMixin, Base):
    """One checked course ZIP: previewed (``checked``), then perhaps ``published``.

    The archive itself is kept in the database (every app server needs it to publish, and
    admins download it again); ``data`` and ``preview`` are deferred so lists never load them.
    ZIPs refused by a check are not kept: bad input writes nothing.
    """

    __tablename__ = "course_uploads"
    __table_args__ = (Index("ix_course_uploads_uploaded_at", "uploaded_at"),)

    uploaded_at: Mapped[dt.datetime] = mapped_column(default=now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_by_username: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    course_code: Mapped[str] = mapped_column(String(32), index=True)
    course_title: Mapped[str] = mapped_column(String(300))
    is_new_course: Mapped[bool]
    status: Mapped[str] = mapped_column(String(20), default=CHECKED)
    #: what a load would do (counts and names) and the rendered lessons, for the preview page
    preview: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, deferred=True)
    published_at: Mapped[dt.datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_username: Mapped[str | None] = mapped_column(String(64))
    #: the publishing load's counts: created, updated, unchanged, archived
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
