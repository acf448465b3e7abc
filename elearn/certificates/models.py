"""Certificates as issued: a frozen snapshot, the stored PDF, and the yearly number counters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import User
from elearn.core.models import Base, IdMixin
from elearn.core.time import now


class Certificate(IdMixin, Base):
    """A learner's certificate for a course, once per learner and course.

    Every printed value is copied at issue (``name`` ... ``completed_at``), so the
    certificate reads the same after the person or the course changes.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index("ix_certificates_issued_at", "issued_at"),
    )

    code: Mapped[str] = mapped_column(String(32), unique=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    nip: Mapped[str | None] = mapped_column(String(18))
    unit: Mapped[str | None] = mapped_column(String(1000))
    position: Mapped[str | None] = mapped_column(String(200))
    course_code: Mapped[str] = mapped_column(String(32))
    course_title: Mapped[str] = mapped_column(String(300))
    jp: Mapped[int]
    completed_at: Mapped[dt.datetime]
    issued_at: Mapped[dt.datetime] = mapped_column(default=now)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_signed: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise_on_sql")

    @property
    def is_revoked(self) -> bool:
        """A revoked certificate verifies as not valid."""
        return self.revoked_at is not None


class CertificatePdf(Base):
    """The PDF made at issue, kept as it was handed out (its own table: lists never load the bytes)."""

    __tablename__ = "certificate_pdfs"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CertificateCounter(Base):
    """The last sequence number drawn for one counter key in one year (an atomic upsert draws the next)."""

    __tablename__ = "certificate_counters"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
