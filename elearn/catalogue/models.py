"""Courses as loaded from content: Course, Module, Lesson, media files.

Rows are never deleted by a load: what vanished from the content tree gets
``archived_at`` (hidden from learners, history kept).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.catalogue.search import register_search_ddl
from elearn.core.models import Base, IdMixin
from elearn.core.time import now


class Course(IdMixin, Base):
    """A course; ``code`` is its identity across loads."""

    __tablename__ = "courses"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    jp: Mapped[int]
    competency: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10), default="dasar")
    language: Mapped[str] = mapped_column(String(2), default="id")
    enrolment: Mapped[str] = mapped_column(String(10), default="open")
    enrolment_key_env: Mapped[str | None] = mapped_column(String(100))
    is_sequential: Mapped[bool] = mapped_column(default=True)
    has_certificate: Mapped[bool] = mapped_column(default=True)
    instructors: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    opens_on: Mapped[dt.date | None]
    closes_on: Mapped[dt.date | None]
    #: Where learners discuss: ``course`` (one thread list), ``lessons`` (also one per lesson) or ``off``.
    discussion: Mapped[str] = mapped_column(String(10), default="course", server_default="course")
    #: the words of code, title, summary, tags, module and lesson titles, normalised: what ``?q=`` searches
    #: (``elearn.catalogue.search``: an FTS5 table on SQLite, a GIN expression index on PostgreSQL).
    search_text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now)
    archived_at: Mapped[dt.datetime | None]

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", lazy="raise_on_sql"
    )


register_search_ddl(Course.__table__)  # type: ignore[arg-type]


class CourseInstructor(Base):
    """A username named in a course's ``instructors`` (the user may not exist yet)."""

    __tablename__ = "course_instructors"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Module(IdMixin, Base):
    """A module of a course; identity is its slug within the course."""

    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]
    is_optional: Mapped[bool] = mapped_column(default=False)
    intro_html: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    archived_at: Mapped[dt.datetime | None]

    course: Mapped[Course] = relationship(back_populates="modules")


class Lesson(IdMixin, Base):
    """A lesson; identity is ``key`` within the course (author ``id`` or ``module/slug``)."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]
    minutes: Mapped[int] = mapped_column(default=1)
    is_optional: Mapped[bool] = mapped_column(default=False)
    html: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    archived_at: Mapped[dt.datetime | None]

    module: Mapped[Module] = relationship()


class MediaFile(IdMixin, Base):
    """A file under a course's ``media/``; stored in the database so every app server has it."""

    __tablename__ = "media_files"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    archived_at: Mapped[dt.datetime | None]
