"""The certificates part of a person's data export: what was issued to them (the PDFs stay downloadable)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn.accounts.models import User
from elearn.certificates.models import Certificate
from elearn.core.owndata import section
from elearn.extensions import db


@section("certificates", order=50)
def certificates(user: User) -> list[dict[str, Any]]:
    """Every certificate issued to the person, revoked ones too, as it was printed."""
    rows = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at, Certificate.id)
    )
    return [
        {
            "number": certificate.number,
            "code": certificate.code,
            "course": certificate.course_code,
            "course_title": certificate.course_title,
            "jp": certificate.jp,
            "name": certificate.name,
            "nip": certificate.nip,
            "unit": certificate.unit,
            "position": certificate.position,
            "completed_at": certificate.completed_at,
            "issued_at": certificate.issued_at,
            "signed": certificate.is_signed,
            "revoked_at": certificate.revoked_at,
            "revoked_reason": certificate.revoked_reason,
        }
        for certificate in rows
    ]
