"""External learning records: a learner claims JP with evidence, a coordinator of their unit decides.

Only an approved record counts (its ledger entry is written at approval); an approved record can
no longer be changed by the learner. A rejected one may be corrected and sent again. Every
decision writes an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.audit import services as audit
from elearn.catalogue.policy import Actor, manages_person, unit_in_scope
from elearn.certificates.queries import scoped_unit, within_unit
from elearn.content.specs import COMPETENCIES
from elearn.core.time import local_date, now
from elearn.errors import Conflict, Forbidden, Invalid, NotFound
from elearn.extensions import db
from elearn.notifications.services import notify
from elearn.reports.evidence import sniff
from elearn.reports.ledger import record_external_jp, timezone
from elearn.reports.models import APPROVED, METHODS, PENDING, REJECTED, Evidence, ExternalRecord

MAX_JP = 200
EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class RecordInput:
    """What a learner states about an external learning activity."""

    title: str
    method: str
    competency: str
    organiser: str
    started_on: dt.date
    ended_on: dt.date
    jp: int


@dataclass(frozen=True)
class Upload:
    """An evidence file as uploaded (``name`` only for display; the type comes from the bytes)."""

    name: str
    data: bytes


def check_input(values: RecordInput) -> None:
    """Refuse a record that cannot be true, naming every bad field at once."""
    problems: dict[str, str] = {}
    if not values.title.strip() or len(values.title) > 300:
        problems["title"] = _("Isi judul kegiatan (paling banyak 300 karakter).")
    if values.method not in METHODS:
        problems["method"] = _("Pilih salah satu jenis kegiatan.")
    if values.competency not in COMPETENCIES:
        problems["competency"] = _("Pilih salah satu jenis kompetensi.")
    if not values.organiser.strip() or len(values.organiser) > 300:
        problems["organiser"] = _("Isi penyelenggara (paling banyak 300 karakter).")
    today = local_date(now(), timezone())
    if values.started_on < EARLIEST or values.started_on > today:
        problems["started_on"] = _("Tanggal mulai tidak masuk akal.")
    if values.ended_on < values.started_on:
        problems["ended_on"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
    elif values.ended_on > today:
        problems["ended_on"] = _("Kegiatan yang belum selesai belum dapat dicatat.")
    if not 1 <= values.jp <= MAX_JP:
        problems["jp"] = _("JP harus antara 1 dan %(max)d.", max=MAX_JP)
    if problems:
        raise Invalid(_("Periksa isian catatan pembelajaran."), fields=problems)


def check_evidence(upload: Upload) -> str:
    """The evidence's real type (PDF, PNG, JPEG, WebP) or Invalid; nothing is stored on refusal."""
    limit = int(current_app.config["ELEARN_EVIDENCE_MAX_BYTES"])
    if not upload.data:
        raise Invalid(_("Bukti kosong."), fields={"evidence": _("Unggah bukti (PDF atau gambar).")})
    if len(upload.data) > limit:
        message = _("Berkas bukti terlalu besar (paling besar %(size)s KB).", size=limit // 1024)
        raise Invalid(message, fields={"evidence": message})
    kind = sniff(upload.data)
    if kind is None:
        message = _("Bukti harus berupa PDF, PNG, JPEG, atau WebP (isi berkas diperiksa, bukan namanya).")
        raise Invalid(message, fields={"evidence": message})
    return kind.mimetype


def _store(record: ExternalRecord, values: RecordInput, upload: Upload | None) -> None:
    mimetype = check_evidence(upload) if upload is not None else None
    for name in ("title", "method", "competency", "organiser", "started_on", "ended_on", "jp"):
        value = getattr(values, name)
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    if upload is not None and mimetype is not None:
        record.evidence_name = (upload.name.replace("\\", "/").rsplit("/", 1)[-1] or "bukti")[:255]
        record.evidence_type = mimetype
        record.evidence_size = len(upload.data)
        db.session.flush()
        evidence = db.session.get(Evidence, record.id)
        if evidence is None:
            db.session.add(Evidence(record_id=record.id, data=upload.data))
        else:
            evidence.data = upload.data


def submit_record(user: User, values: RecordInput, upload: Upload | None) -> ExternalRecord:
    """A learner claims JP for an external activity; it waits for a coordinator's decision."""
    check_input(values)
    if upload is None:
        raise Invalid(_("Bukti wajib diunggah."), fields={"evidence": _("Unggah bukti (PDF atau gambar).")})
    check_evidence(upload)
    record = ExternalRecord(user_id=user.id, status=PENDING, submitted_at=now())
    db.session.add(record)
    _store(record, values, upload)
    db.session.flush()
    return record


def update_record(user: User, record_id: int, values: RecordInput, upload: Upload | None) -> ExternalRecord:
    """A learner corrects their own pending or rejected record (then it waits again); an approved
    record is final (409)."""
    record = db.session.get(ExternalRecord, record_id)
    if record is None or record.user_id != user.id:
        raise NotFound(_("Catatan tidak ditemukan."))
    if record.status == APPROVED:
        raise Conflict(_("Catatan yang sudah disetujui tidak dapat diubah."))
    check_input(values)
    _store(record, values, upload)
    record.status, record.submitted_at = PENDING, now()
    record.decided_at = record.decided_by_id = record.decision_reason = None
    db.session.flush()
    return record


def record_for(actor: Actor, record_id: int) -> tuple[ExternalRecord, User]:
    """A record the actor may see (its learner, their coordinators, admins), with its learner."""
    found = db.session.execute(
        select(ExternalRecord, User).join(User, User.id == ExternalRecord.user_id).where(ExternalRecord.id == record_id)
    ).first()
    if found is None:
        raise NotFound(_("Catatan tidak ditemukan."))
    record, owner = found
    if not (
        actor.is_admin
        or actor.user_id == owner.id
        or (actor.is_coordinator and unit_in_scope(actor.unit_path, owner.unit_path))
    ):
        raise NotFound(_("Catatan tidak ditemukan."))
    return record, owner


def evidence_of(actor: Actor, record_id: int) -> tuple[ExternalRecord, bytes]:
    """The evidence file of a record the actor may see."""
    record, _owner = record_for(actor, record_id)
    evidence = db.session.get(Evidence, record.id)
    if evidence is None:  # pragma: no cover - written with the record
        raise NotFound(_("Bukti tidak ditemukan."))
    return record, evidence.data


def decide(actor: Actor, record_id: int, *, approve: bool, reason: str | None = None) -> ExternalRecord:
    """A coordinator of the learner's unit (or an admin) approves a pending record (its JP count
    from now on) or rejects it with a reason."""
    record, owner = record_for(actor, record_id)
    if not manages_person(actor, owner.unit_path, owner.id):
        raise Forbidden(_("Anda tidak berhak memutuskan catatan ini."))
    if record.status != PENDING:
        raise Conflict(_("Catatan ini sudah diputuskan."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise Invalid(_("Alasan penolakan wajib diisi."), fields={"reason": _("Wajib diisi.")})
    if len(reason) > 1000:
        raise Invalid(_("Alasan terlalu panjang."), fields={"reason": _("Paling banyak 1000 karakter.")})
    record.status = APPROVED if approve else REJECTED
    record.decided_at, record.decided_by_id, record.decision_reason = now(), actor.user_id, reason or None
    db.session.flush()
    if approve:
        record_external_jp(record)
    audit.record(
        actor,
        "jp_record.approve" if approve else "jp_record.reject",
        target_type="external_record",
        target_id=record.id,
        summary=f"{record.jp} JP for {owner.username}: {record.status}",
        details={"username": owner.username, "jp": record.jp, "reason": reason},
    )
    kind = "record_approved" if approve else "record_rejected"
    notify(owner.id, kind, title=record.title, reason=reason or None)
    return record


def own_records(user_id: int) -> list[ExternalRecord]:
    """A learner's external records, newest first."""
    return list(
        db.session.scalars(
            select(ExternalRecord)
            .where(ExternalRecord.user_id == user_id)
            .order_by(ExternalRecord.submitted_at.desc(), ExternalRecord.id.desc())
        )
    )


@dataclass(frozen=True)
class RecordPage:
    """A page of records to review, with their learners."""

    items: list[tuple[ExternalRecord, User]]
    total: int
    page: int
    per_page: int


def records_to_review(
    actor: Actor, *, status: str | None = PENDING, unit: str | None = None, page: int = 1, per_page: int = 50
) -> RecordPage:
    """Records of the people a coordinator manages (admin: everyone), oldest submission first."""
    base = select(ExternalRecord, User).join(User, User.id == ExternalRecord.user_id)
    query: Any = within_unit(base, scoped_unit(actor, unit))
    if actor.is_coordinator:
        query = query.where(User.id != actor.user_id)
    if status:
        query = query.where(ExternalRecord.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(ExternalRecord.submitted_at, ExternalRecord.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return RecordPage([(r, u) for r, u in rows], total, page, per_page)
