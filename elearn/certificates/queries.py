"""Read-only certificate lists, the public verification look-up and ZIP downloads."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, TypeVarTuple, cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from elearn.accounts.models import User
from elearn.accounts.queries import NO_UNIT, within_units
from elearn.catalogue.policy import Actor, enrols_others, unit_in_scope
from elearn.certificates.models import Certificate, CertificatePdf
from elearn.certificates.services import normalise_code
from elearn.core.limits import Limit, allowed
from elearn.core.time import year_bounds
from elearn.errors import Forbidden, NotFound, TooManyAttempts
from elearn.extensions import db

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class CertificatePage:
    """A page of certificates with their owners, and how many match in all."""

    items: list[tuple[Certificate, User]]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class CertificateFilters:
    """What a coordinator's certificate list may be narrowed to."""

    course: str | None = None
    unit: str | None = None
    year: int | None = None
    status: str | None = None  # "valid" | "revoked"
    q: str | None = None


def own_certificates(user_id: int, *, page: int = 1, per_page: int = 50) -> CertificatePage:
    """The user's own certificates, newest first."""
    query = select(Certificate, User).join(User, User.id == Certificate.user_id).where(Certificate.user_id == user_id)
    return _page(query, page, per_page)


def certificate_code(user_id: int, course_id: int) -> str | None:
    """The code of the user's certificate for a course, if any."""
    return db.session.scalar(
        select(Certificate.code).where(Certificate.user_id == user_id, Certificate.course_id == course_id)
    )


def scoped_unit(actor: Actor, unit: str | None) -> str | None:
    """The unit subtree a coordinator's or admin's list covers: ``unit`` when given (403 outside
    a coordinator's scope), else the coordinator's own unit (None: an admin's whole deployment)."""
    if not enrols_others(actor):
        raise Forbidden(_("Hanya koordinator dan admin yang dapat membuka daftar ini."))
    unit = (unit or "").strip().strip("/") or None
    if actor.is_admin:
        return unit
    if unit is None:
        return actor.unit_path or NO_UNIT  # a coordinator without a unit sees nobody
    if not unit_in_scope(actor.unit_path, unit):
        raise Forbidden(_("Unit %(unit)s di luar lingkup Anda.", unit=unit))
    return unit


def within_unit(query: Select[*Ts], unit: str | None) -> Select[*Ts]:
    """Only people of ``unit`` and the units below it (None: everyone); ``query`` selects from users."""
    if unit is None:
        return query
    return within_units(query, unit)


def _filtered(actor: Actor, filters: CertificateFilters, query: Select[*Ts]) -> Select[*Ts]:
    query = within_unit(query, scoped_unit(actor, filters.unit))
    if actor.is_coordinator:
        query = query.where(User.id != actor.user_id)  # a coordinator does not manage themselves
    if filters.course:
        query = query.where(Certificate.course_code == filters.course.strip().upper())
    if filters.year:
        start, end = year_bounds(filters.year, current_app.config["ELEARN_TIMEZONE"])
        query = query.where(Certificate.issued_at >= start, Certificate.issued_at < end)
    if filters.status == "valid":
        query = query.where(Certificate.revoked_at.is_(None))
    elif filters.status == "revoked":
        query = query.where(Certificate.revoked_at.is_not(None))
    if filters.q and filters.q.strip():
        # autoescape: a % or _ typed in the search box is a character, not a LIKE wildcard.
        needle = filters.q.strip().lower()
        query = query.where(
            or_(
                func.lower(Certificate.name).contains(needle, autoescape=True),
                Certificate.nip.contains(needle, autoescape=True),
                func.lower(Certificate.number).contains(needle, autoescape=True),
                User.username.contains(needle, autoescape=True),
            )
        )
    return query


def managed_certificates(
    actor: Actor, filters: CertificateFilters, *, page: int = 1, per_page: int = 50
) -> CertificatePage:
    """Certificates of the people a coordinator manages (an admin: everyone), filtered, newest first."""
    query = _filtered(actor, filters, select(Certificate, User).join(User, User.id == Certificate.user_id))
    return _page(query, page, per_page)


def _page(query: Any, page: int, per_page: int) -> CertificatePage:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    ordered = query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    rows = db.session.execute(ordered.offset((page - 1) * per_page).limit(per_page)).all()
    return CertificatePage([(c, u) for c, u in rows], total, page, per_page)


#: Verification look-ups per client address: plenty for people scanning, useless for guessing codes.
VERIFY_PER_CLIENT = Limit("verify", 60, dt.timedelta(minutes=1))


def verify(code: str, client: str) -> Certificate:
    """The certificate a verification code names, for anyone (no sign-in); 429 past the per-client
    limit (counted across every app process), 404 for an unknown code."""
    if not allowed(VERIFY_PER_CLIENT, client):
        raise TooManyAttempts(_("Terlalu banyak pemeriksaan. Coba lagi dalam satu menit."))
    found = db.session.scalar(select(Certificate).where(Certificate.code == normalise_code(code)))
    if found is None:
        raise NotFound(_("Sertifikat tidak ditemukan."))
    return found


def mask_nip(nip: str | None) -> str | None:
    """All but the first 4 and last 2 digits as ``*``: ``1980************01``."""
    if not nip:
        return None
    if len(nip) <= 6:
        return "*" * len(nip)
    return nip[:4] + "*" * (len(nip) - 6) + nip[-2:]


class _Chunks:
    """A write-only file that keeps what is written until it is drained (zipfile streams into it)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def drain(self) -> Iterator[bytes]:
        """Hand over what was written so far."""
        parts, self.parts = self.parts, []
        if parts:
            yield b"".join(parts)


def zip_of_certificates(actor: Actor, filters: CertificateFilters) -> Iterator[bytes]:
    """A ZIP of the stored PDFs of the certificates the actor's list shows, streamed one PDF at a
    time: neither the archive nor the whole set of PDFs is ever held in memory."""
    scoped_unit(actor, filters.unit)  # refuse before the first byte is sent
    query = _filtered(
        actor,
        filters,
        select(Certificate.number, Certificate.issued_at, CertificatePdf.data)
        .join(CertificatePdf, CertificatePdf.certificate_id == Certificate.id)
        .join(User, User.id == Certificate.user_id),
    ).order_by(Certificate.issued_at, Certificate.id)
    return _zip_rows(query)


def _zip_rows(query: Any) -> Iterator[bytes]:
    sink = _Chunks()
    with zipfile.ZipFile(cast(IO[bytes], sink), "w", compression=zipfile.ZIP_STORED) as archive:
        for number, issued_at, data in db.session.execute(query.execution_options(yield_per=20)):
            moment = issued_at.astimezone(dt.UTC)
            info = zipfile.ZipInfo(_file_name(number), date_time=moment.timetuple()[:6])
            archive.writestr(info, data)  # PDFs are compressed already: stored as they are
            yield from sink.drain()
    yield from sink.drain()


def _file_name(number: str) -> str:
    """A file name from a registration number (slashes and anything odd become ``-``)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in number)
    return f"sertifikat-{safe}.pdf"
