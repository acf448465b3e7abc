"""Certificate use cases: issue (on completion, by a coordinator, by the sweep), revoke, look up.

A certificate is issued in the transaction that completes the course, exactly once per learner
and course: a unique (user, course) constraint settles races, a savepoint keeps a lost race from
spoiling the completing transaction, and numbers come from a counter row incremented by an atomic
upsert, so concurrent completions never share a number. Services flush, never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from config import ConfigError
from elearn.accounts.models import User
from elearn.audit import services as audit
from elearn.catalogue.models import Course
from elearn.catalogue.policy import Actor, enrols_others, manages_person, unit_in_scope
from elearn.certificates.document import CertificateDocument
from elearn.certificates.models import Certificate, CertificateCounter, CertificatePdf
from elearn.certificates.numbering import counter_key, format_number
from elearn.certificates.pdf import render_certificate
from elearn.certificates.signing import Signer, SigningError, load_signer, sign_pdf
from elearn.core.time import local_date, now
from elearn.enrolment.models import Enrolment
from elearn.errors import Conflict, Forbidden, Invalid, NotFound
from elearn.evaluation.models import Survey, SurveySubmission
from elearn.extensions import db
from elearn.notifications.services import notify

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 20 Crockford base32 characters: 100 random bits
MAX_REASON = 1000
SIGNER_KEY = "elearn_cert_signer"


def init_certificates(app: Flask) -> None:
    """Load the signing key once per process (a key that cannot sign stops start-up) and listen
    to ``course_completed`` (after the JP ledger, which ``create_app`` connects first)."""
    from elearn.signals import course_completed

    path = app.config.get("ELEARN_CERT_SIGNING_P12")
    if path:
        passphrase = app.config.get("ELEARN_CERT_SIGNING_PASSPHRASE")
        try:
            app.extensions[SIGNER_KEY] = load_signer(path, passphrase.encode("utf-8") if passphrase else None)
        except SigningError as error:
            raise ConfigError(f"ELEARN_CERT_SIGNING_P12: {error}") from error
    course_completed.connect(on_course_completed)


def signer() -> Signer | None:
    """The deployment's signing key, or None when certificates are not signed."""
    found: Signer | None = current_app.extensions.get(SIGNER_KEY)
    return found


def new_code() -> str:
    """A fresh verification code: 100 random bits, URL-safe and easy to type from paper."""
    return "".join(secrets.choice(_CROCKFORD) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """A code as typed (any case, Crockford's look-alikes) in its stored form."""
    return code.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")[:32]


def verify_url(code: str) -> str:
    """The public verification address of a certificate (what its QR code holds)."""
    return f"{current_app.config['ELEARN_BASE_URL']}/verify/{code}"


def next_number(course_code: str, year: int) -> str:
    """Draw the next registration number of ``year`` for ``course_code`` (atomic, in this transaction)."""
    pattern = str(current_app.config["ELEARN_CERT_NUMBER_PATTERN"])
    dialect: Any = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = CertificateCounter.__table__
    statement = (
        dialect.insert(table)
        .values(key=counter_key(pattern, course_code), year=year, last=1)
        .on_conflict_do_update(index_elements=[table.c.key, table.c.year], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    # The row stays locked until this transaction ends, so a concurrent completion waits for it.
    seq = int(db.session.execute(statement).scalar_one())
    return format_number(pattern, course_code, year, seq)


def document_of(certificate: Certificate) -> CertificateDocument:
    """What the PDF of ``certificate`` prints."""
    config = current_app.config
    zone = config["ELEARN_TIMEZONE"]
    return CertificateDocument(
        institution=config["ELEARN_CERT_INSTITUTION"],
        name=certificate.name,
        nip=certificate.nip,
        unit=certificate.unit,
        position=certificate.position,
        course_title=certificate.course_title,
        course_code=certificate.course_code,
        jp=certificate.jp,
        completed_on=local_date(certificate.completed_at, zone),
        issued_on=local_date(certificate.issued_at, zone),
        number=certificate.number,
        verify_url=verify_url(certificate.code),
        signatory_name=config["ELEARN_CERT_SIGNATORY_NAME"],
        signatory_nip=config["ELEARN_CERT_SIGNATORY_NIP"],
        signatory_title=config["ELEARN_CERT_SIGNATORY_TITLE"],
        city=config.get("ELEARN_CERT_CITY"),
    )


def make_pdf(certificate: Certificate) -> bytes:
    """Render the certificate's PDF, signed when the deployment has a signing key."""
    pdf = render_certificate(document_of(certificate))
    key = signer()
    if key is not None:
        # Fixed Indonesian, like the PDF itself: issuing also runs outside a request (the sweep).
        city = current_app.config.get("ELEARN_CERT_CITY")
        pdf = sign_pdf(pdf, key, reason=f"Sertifikat {certificate.number}", location=city)
    return pdf


def issue_certificate(enrolment: Enrolment, *, issued_by: Actor | None = None) -> Certificate | None:
    """Issue the certificate of a completed enrolment; None when the course gives none, the
    enrolment is not complete, or the learner already has one (then nothing changes)."""
    course = db.session.get(Course, enrolment.course_id)
    if course is None or not course.has_certificate or enrolment.completed_at is None:
        return None
    if _existing(enrolment.user_id, course.id) is not None or survey_pending(enrolment.user_id, course.id):
        return None
    user = db.session.get(User, enrolment.user_id)
    assert user is not None  # noqa: S101 - enrolments reference users
    moment = now()
    try:
        with db.session.begin_nested():  # a concurrent issue for the same person and course loses here
            certificate = Certificate(
                code=new_code(),
                number=next_number(course.code, local_date(moment, current_app.config["ELEARN_TIMEZONE"]).year),
                user_id=user.id,
                course_id=course.id,
                name=user.name,
                nip=user.nip,
                unit=user.unit_path,
                position=user.position,
                course_code=course.code,
                course_title=course.title,
                jp=course.jp,
                completed_at=enrolment.completed_at,
                issued_at=moment,
                issued_by_id=issued_by.user_id if issued_by else None,
                is_signed=signer() is not None,
            )
            db.session.add(certificate)
            db.session.flush()
            pdf = make_pdf(certificate)
            db.session.add(CertificatePdf(certificate_id=certificate.id, size=len(pdf), data=pdf))
            notify(user.id, "certificate_issued", code=certificate.code, title=course.title)
            db.session.flush()
    except IntegrityError:
        return None
    return certificate


def _survey_unanswered(user_id: Any, course_id: Any) -> ColumnElement[bool]:
    """True while a live survey the course's certificate waits for is unanswered by the person."""
    answered = exists().where(SurveySubmission.survey_id == Survey.id, SurveySubmission.user_id == user_id)
    return exists().where(
        Survey.course_id == course_id, Survey.is_required.is_(True), Survey.archived_at.is_(None), ~answered
    )


def survey_pending(user_id: int, course_id: int) -> bool:
    """Whether the certificate waits for the person's answer to the course's feedback survey
    (``required: true``); answering it issues the certificate."""
    return bool(db.session.scalar(select(_survey_unanswered(user_id, course_id))))


def on_course_completed(enrolment: Enrolment, **_extra: Any) -> None:
    """``course_completed`` receiver: issue the certificate in the completing transaction."""
    issue_certificate(enrolment)


def _existing(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.course_id == course_id)
    )


@dataclass
class IssueResult:
    """What a coordinator's issuing did (api.md: ``issued`` and ``skipped`` with reasons)."""

    issued: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def issue_for_course(actor: Actor, course: Course, usernames: Sequence[str] | None = None) -> IssueResult:
    """Issue certificates for completed learners of ``course`` who lack one: everyone in the
    actor's scope, or the people named. One audit entry records the act."""
    if not enrols_others(actor):
        raise Forbidden(_("Hanya koordinator dan admin yang dapat menerbitkan sertifikat."))
    if not course.has_certificate:
        raise Conflict(_("Kursus ini tidak menerbitkan sertifikat."))
    result = IssueResult()
    if usernames is None:
        candidates = _completed_without_certificate(actor, course)
    else:
        candidates = _named_candidates(actor, course, usernames, result)
    for enrolment, username in candidates:
        if survey_pending(enrolment.user_id, course.id):
            result.skipped.append({"username": username, "reason": "survey_pending"})
        elif issue_certificate(enrolment, issued_by=actor) is not None:
            result.issued.append(username)
        else:
            result.skipped.append({"username": username, "reason": "already_issued"})
    audit.record(
        actor,
        "certificate.issue",
        target_type="course",
        target_id=course.code,
        summary=f"{len(result.issued)} certificate(s) issued for {course.code}",
        details={"issued": result.issued[:1000], "skipped": len(result.skipped)},
    )
    return result


def _completed_without_certificate(actor: Actor, course: Course) -> list[tuple[Enrolment, str]]:
    """Completed enrolments of ``course`` without a certificate, of people the actor manages."""
    rows = db.session.execute(
        select(Enrolment, User)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Certificate, and_(Certificate.user_id == Enrolment.user_id, Certificate.course_id == course.id))
        .where(Enrolment.course_id == course.id, Enrolment.completed_at.is_not(None), Certificate.id.is_(None))
        .order_by(Enrolment.completed_at, Enrolment.id)
    ).all()
    return [(e, user.username) for e, user in rows if manages_person(actor, user.unit_path, user.id)]


def _named_candidates(
    actor: Actor, course: Course, usernames: Sequence[str], result: IssueResult
) -> list[tuple[Enrolment, str]]:
    """The named people who may get one; the others go to ``result.skipped`` with the first reason
    that applies, in the order unknown, out_of_scope, already_issued, not_completed."""
    names = list(dict.fromkeys(name.strip().lower() for name in usernames if name.strip()))
    users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))} if names else {}
    ids = [u.id for u in users.values()]
    query = select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.user_id.in_(ids))
    enrolments = {e.user_id: e for e in db.session.scalars(query)}
    issued = set(
        db.session.scalars(
            select(Certificate.user_id).where(Certificate.course_id == course.id, Certificate.user_id.in_(ids))
        )
    )
    candidates = []
    for name in names:
        user = users.get(name)
        enrolment = enrolments.get(user.id) if user is not None else None
        if user is None:
            reason = "unknown"
        elif not manages_person(actor, user.unit_path, user.id):
            reason = "out_of_scope"
        elif user.id in issued:
            reason = "already_issued"
        elif enrolment is None or enrolment.completed_at is None:
            reason = "not_completed"
        else:
            candidates.append((enrolment, name))
            continue
        result.skipped.append({"username": name, "reason": reason})
    return candidates


def sees_certificate(actor: Actor, owner_id: int, owner_unit: str | None) -> bool:
    """The owner, a coordinator of the owner's unit and admins see a certificate."""
    if actor.is_admin or actor.user_id == owner_id:
        return True
    return actor.is_coordinator and unit_in_scope(actor.unit_path, owner_unit)


def certificate_for(actor: Actor, code: str) -> tuple[Certificate, User]:
    """A certificate the actor may see, with its owner; NotFound for anyone else."""
    found = db.session.execute(
        select(Certificate, User)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.code == normalise_code(code))
    ).first()
    if found is None or not sees_certificate(actor, found[1].id, found[1].unit_path):
        raise NotFound(_("Sertifikat tidak ditemukan."))
    return found[0], found[1]


def pdf_of(certificate: Certificate) -> bytes:
    """The stored PDF, exactly as issued."""
    pdf = db.session.get(CertificatePdf, certificate.id)
    if pdf is None:  # pragma: no cover - written with the certificate
        raise NotFound(_("Sertifikat tidak ditemukan."))
    return pdf.data


def revoke(actor: Actor, code: str, reason: str | None) -> Certificate:
    """Revoke a certificate with a reason (coordinator of the owner, admin); a revoked one stays
    as it was. The verification page says "revoked" from this transaction on."""
    certificate, owner = certificate_for(actor, code)
    if not manages_person(actor, owner.unit_path, owner.id):
        raise Forbidden(_("Anda tidak berhak mencabut sertifikat ini."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Alasan pencabutan wajib diisi."), fields={"reason": _("Wajib diisi.")})
    if len(reason) > MAX_REASON:
        raise Invalid(_("Alasan terlalu panjang."), fields={"reason": _("Paling banyak 1000 karakter.")})
    if certificate.revoked_at is None:
        certificate.revoked_at = now()
        certificate.revoked_reason = reason
        certificate.revoked_by_id = actor.user_id
        audit.record(
            actor,
            "certificate.revoke",
            target_type="certificate",
            target_id=certificate.number,
            summary=f"{certificate.number} revoked",
            details={"code": certificate.code, "username": owner.username, "reason": reason},
        )
        notify(owner.id, "certificate_revoked", code=certificate.code, title=certificate.course_title, reason=reason)
        db.session.flush()
    return certificate


def issue_due(batch: int = 200) -> int:
    """Issue the certificates that are due (completed, the course gives one, none yet, no required
    survey unanswered): completions from before a course turned its certificate on, from before
    certificates existed, or whose survey was answered when the issue failed. The sweep calls it
    until it returns 0."""
    rows = db.session.scalars(
        select(Enrolment)
        .join(Course, Course.id == Enrolment.course_id)
        .outerjoin(
            Certificate, and_(Certificate.user_id == Enrolment.user_id, Certificate.course_id == Enrolment.course_id)
        )
        .where(
            Enrolment.completed_at.is_not(None),
            Course.has_certificate.is_(True),
            Certificate.id.is_(None),
            ~_survey_unanswered(Enrolment.user_id, Enrolment.course_id),
        )
        .order_by(Enrolment.id)
        .limit(batch)
    ).all()
    return sum(1 for enrolment in rows if issue_certificate(enrolment) is not None)
