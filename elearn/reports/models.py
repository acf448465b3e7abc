"""The JP ledger and the external learning records that feed it.

A ledger entry is written once, when JP are earned (a course completed, an external record
approved), with the JP and title of that moment: a later content load that changes a course's
``jp`` rewrites nobody's history.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import Base, IdMixin
from elearn.core.time import now

#: Where JP came from.
SOURCES = ("course", "external")
#: How an external learning activity was done (the values stored; labels live in the pages).
METHODS = ("seminar", "workshop", "coaching", "mentoring", "magang", "lainnya")
#: An external record's life: a learner submits it, a coordinator approves or rejects it.
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
RECORD_STATUSES = (PENDING, APPROVED, REJECTED)


class JpEntry(IdMixin, Base):
    """JP earned by one person from one course or one approved external record.

    ``earned_at`` is the UTC moment (completion, or the local start of the record's last day); a
    report's year is ``[start, end)`` of that calendar year in the deployment's time zone, in UTC.
    """

    __tablename__ = "jp_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index("ix_jp_entries_user_id_earned_at", "user_id", "earned_at"),
        Index("ix_jp_entries_earned_at", "earned_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(10))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("external_records.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    competency: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    organiser: Mapped[str] = mapped_column(String(300))
    jp: Mapped[int]
    started_on: Mapped[dt.date]
    ended_on: Mapped[dt.date]
    earned_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class ExternalRecord(IdMixin, Base):
    """Learning done outside elearn (a seminar, a workshop, ...), claimed by the learner with evidence.

    Only an approved record counts; an approved record cannot be edited by the learner.
    """

    __tablename__ = "external_records"
    __table_args__ = (Index("ix_external_records_status_submitted_at", "status", "submitted_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(20))
    competency: Mapped[str] = mapped_column(String(20))
    organiser: Mapped[str] = mapped_column(String(300))
    started_on: Mapped[dt.date]
    ended_on: Mapped[dt.date]
    jp: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=now)
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    evidence_name: Mapped[str] = mapped_column(String(255))
    evidence_type: Mapped[str] = mapped_column(String(50))
    evidence_size: Mapped[int]


class Evidence(Base):
    """The evidence file of an external record (its own table: lists never load the bytes)."""

    __tablename__ = "external_record_evidence"

    record_id: Mapped[int] = mapped_column(ForeignKey("external_records.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
