"""The users CSV of ``elearn users import``, uploaded from the browser: the same rules, the same
``FILE:LINE: message`` report and all or nothing; a coordinator's rows must stay within their units.

Chosen passwords cost about 0.2 s each (Argon2), so a browser import takes at most
``MAX_CHOSEN_PASSWORDS`` of them and ``MAX_ROWS`` rows (a few seconds); larger files go through the
command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from elearn.accounts.csvrows import UserRow, errors_by_line, parse_users_csv
from elearn.accounts.models import User
from elearn.accounts.services import ImportFailed, import_users, nip_conflicts
from elearn.audit import services as audit
from elearn.catalogue.policy import Actor
from elearn.core.database import chunks
from elearn.extensions import db
from elearn.people.policy import grantable_roles, places_in, sees_person
from elearn.people.services import administrator

MAX_ROWS = 5000
MAX_CHOSEN_PASSWORDS = 20
MAX_FILE_BYTES = 5 * 1024 * 1024
_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ImportReport:
    """What an import did: counts, and the one-time passwords generated (to be shown once)."""

    created: int
    updated: int
    generated: list[tuple[str, str]]


def csv_display_name(filename: str) -> str:
    """How the report names the uploaded file: its base name made plain (``Data Pegawai.csv`` ->
    ``Data-Pegawai.csv``), so a line can be copied into a message safely."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return _PLAIN.sub("-", base).strip("-.")[:80] or "pengguna.csv"


def _existing(rows: list[UserRow]) -> dict[str, User]:
    found: dict[str, User] = {}
    for chunk in chunks([row.username for row in rows]):
        found.update((u.username, u) for u in db.session.scalars(select(User).where(User.username.in_(chunk))))
    return found


def import_people(user: User, data: bytes, filename: str) -> ImportReport:
    """Create or update the people of a users CSV, all or nothing; raises ``ImportFailed`` with
    every ``FILE:LINE: message`` (the file's own, then the database's and the scope's)."""
    actor = administrator(user)
    path = csv_display_name(filename)
    if len(data) > MAX_FILE_BYTES:
        raise ImportFailed([f"{path}:1: " + _("berkas lebih dari 5 MiB; impor berkas besar lewat baris perintah.")])
    rows, errors = parse_users_csv(data, path)
    existing = _existing(rows)
    errors += _size_errors(rows, path)
    errors += nip_conflicts(rows, path)
    errors += _scope_errors(actor, rows, existing, path)
    if errors:
        raise ImportFailed(errors_by_line(errors, path))
    created, updated, generated = import_users(rows, path)
    audit.record(
        user,
        "user.import",
        target_type="file",
        target_id=path,
        summary=f"{path}: {created} created, {updated} updated",
        details={
            "created": [row.username for row in rows if row.username not in existing][:1000],
            "updated": [row.username for row in rows if row.username in existing][:1000],
        },
    )
    return ImportReport(created, updated, generated)


def _size_errors(rows: list[UserRow], path: str) -> list[str]:
    errors = []
    if len(rows) > MAX_ROWS:
        errors.append(f"{path}:1: " + _("lebih dari %(n)d baris; impor berkas besar lewat baris perintah.", n=MAX_ROWS))
    chosen = [row for row in rows if row.password]
    if len(chosen) > MAX_CHOSEN_PASSWORDS:
        message = _(
            "lebih dari %(n)d kata sandi pilihan; kosongkan kolom password (kata sandi sekali pakai dibuat) "
            "atau impor lewat baris perintah.",
            n=MAX_CHOSEN_PASSWORDS,
        )
        errors.append(f"{path}:{chosen[MAX_CHOSEN_PASSWORDS].line}: {message}")
    return errors


def _scope_errors(actor: Actor, rows: list[UserRow], existing: dict[str, User], path: str) -> list[str]:
    """Rows a coordinator may not write: an admin role, a unit outside theirs, someone they do not administer."""
    if actor.is_admin:
        return []
    errors = []
    for row in rows:
        person = existing.get(row.username)
        if row.role not in grantable_roles(actor):
            errors.append(f"{path}:{row.line}: " + _("peran %(role)s tidak dapat Anda berikan", role=row.role))
        if not places_in(actor, row.unit):
            errors.append(f"{path}:{row.line}: " + _("unit harus unit Anda atau unit di bawahnya"))
        if person is not None and not sees_person(actor, person.unit_path, person.role, person.id):
            message = _("nama pengguna %(username)s sudah dipakai orang di luar unit Anda", username=row.username)
            errors.append(f"{path}:{row.line}: {message}")
    return errors
