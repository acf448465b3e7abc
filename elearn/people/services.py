"""Administering people: create, edit, reset a password, deactivate and reactivate.

Each act checks ``people.policy``, changes the models, writes exactly one audit entry and flushes
(never commits). Nothing of a person's history is ever deleted: deactivation only ends their
sessions and tokens and keeps them from signing in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from elearn.accounts import hashing
from elearn.accounts.models import ApiToken, User, WebSession
from elearn.accounts.services import ensure_unit, normalize_username
from elearn.audit import services as audit
from elearn.catalogue.policy import Actor
from elearn.enrolment.services import actor_of
from elearn.errors import Forbidden, Invalid, NotFound
from elearn.extensions import db
from elearn.people.policy import administers_people, grantable_roles, places_in, sees_person


@dataclass(frozen=True)
class PersonFields:
    """What an administrator sets on a person (already checked for shape by the form)."""

    name: str
    email: str | None
    position: str | None
    unit: str | None
    role: str


def administrator(user: User) -> Actor:
    """``user`` as the policy sees them, when the people pages are for them (else 403)."""
    actor = actor_of(user)
    if not administers_people(actor):
        raise Forbidden(_("Hanya admin dan koordinator yang mengelola pengguna."))
    return actor


def visible_person(user: User, person_id: int) -> User:
    """The person ``person_id`` if ``user`` administers them; 404 for anyone they may not see."""
    actor = administrator(user)
    person = db.session.get(User, person_id)
    if person is not None and person.id == user.id and not actor.is_admin:
        raise Forbidden(_("Akun Anda sendiri diubah oleh admin; kata sandi Anda ganti di halaman Akun."))
    if person is None or not sees_person(actor, person.unit_path, person.role, person.id):
        raise NotFound(_("Pengguna tidak ditemukan."))
    return person


def _check_fields(actor: Actor, fields: PersonFields, nip: str | None) -> None:
    """Every field the actor may not set this way, at once (``Invalid`` with the fields)."""
    problems: dict[str, str] = {}
    if fields.role not in grantable_roles(actor):
        problems["role"] = _("Anda tidak dapat memberi peran ini.")
    elif fields.role == "learner" and not nip:
        problems["role"] = _("Peserta wajib memiliki NIP.")
    if not places_in(actor, fields.unit):
        problems["unit"] = _("Pilih unit Anda atau unit di bawahnya.")
    if problems:
        raise Invalid(_("Periksa isian yang ditandai."), fields=problems)


def create_person(user: User, username: str, nip: str | None, fields: PersonFields) -> tuple[User, str]:
    """Create an account with a one-time password (returned, to be shown once)."""
    actor = administrator(user)
    username = normalize_username(username)
    problems: dict[str, str] = {}
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        problems["username"] = _("Nama pengguna ini sudah dipakai.")
    if nip and db.session.scalar(select(User.id).where(User.nip == nip)) is not None:
        problems["nip"] = _("NIP ini sudah terdaftar pada pengguna lain.")
    if problems:
        raise Invalid(_("Periksa isian yang ditandai."), fields=problems)
    _check_fields(actor, fields, nip)
    password = hashing.generate_password()
    person = User(
        username=username,
        nip=nip,
        name=fields.name,
        email=fields.email,
        position=fields.position,
        role=fields.role,
        unit=ensure_unit(fields.unit) if fields.unit else None,
        password_hash=hashing.hash_generated_password(password),
        must_change_password=True,
    )
    db.session.add(person)
    db.session.flush()
    audit.record(
        user,
        "user.create",
        target_type="user",
        target_id=username,
        summary=f"{username} ({fields.role}) in {fields.unit or '-'}",
        details={"fields": _plain(fields, nip)},
    )
    return person, password


def _plain(fields: PersonFields, nip: str | None) -> dict[str, Any]:
    return {"nip": nip, "name": fields.name, "email": fields.email, "position": fields.position,
            "unit": fields.unit, "role": fields.role}  # fmt: skip


def update_person(user: User, person: User, fields: PersonFields) -> dict[str, list[Any]]:
    """Change a person's name, email, position, unit and role; returns what changed (old, new).

    A role change is audited as ``user.role``, any other change as ``user.update``; no change, no entry.
    """
    actor = administrator(user)
    if person.id == user.id and fields.role != person.role:
        raise Invalid(_("Anda tidak dapat mengubah peran Anda sendiri."), fields={"role": _("Peran Anda tetap.")})
    _check_fields(actor, fields, person.nip)
    wanted = {"name": fields.name, "email": fields.email, "position": fields.position, "role": fields.role}
    changes = {name: [getattr(person, name), value] for name, value in wanted.items() if getattr(person, name) != value}
    if person.unit_path != fields.unit:
        changes["unit"] = [person.unit_path, fields.unit]
        person.unit = ensure_unit(fields.unit) if fields.unit else None
    for name, (_old, value) in changes.items():
        if name != "unit":
            setattr(person, name, value)
    if changes:
        audit.record(
            user,
            "user.role" if "role" in changes else "user.update",
            target_type="user",
            target_id=person.username,
            summary=", ".join(f"{name}: {old or '-'} -> {new or '-'}" for name, (old, new) in changes.items()),
            details={"changes": changes},
        )
        db.session.flush()
    return changes


def _end_sessions(person: User) -> None:
    """Sign the person out everywhere at once: every browser session and API token stops working."""
    db.session.execute(delete(WebSession).where(WebSession.user_id == person.id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == person.id))


def reset_password(user: User, person: User) -> str:
    """Give ``person`` a new one-time password (returned, shown once) that they must change at sign-in;
    their sessions and tokens end (whoever used the old password is signed out)."""
    administrator(user)
    if person.id == user.id:
        raise Forbidden(_("Ganti kata sandi Anda sendiri di halaman Ganti kata sandi."))
    password = hashing.generate_password()
    person.password_hash = hashing.hash_generated_password(password)
    person.must_change_password = True
    _end_sessions(person)
    audit.record(user, "user.password_reset", target_type="user", target_id=person.username, summary=person.username)
    db.session.flush()
    return password


def set_active(user: User, person: User, active: bool) -> bool:
    """Deactivate (sessions and tokens end at once, sign-in refused, history kept) or reactivate;
    whether anything changed (repeating the act changes nothing and records nothing)."""
    administrator(user)
    if person.id == user.id:
        raise Forbidden(_("Anda tidak dapat menonaktifkan atau mengaktifkan akun Anda sendiri."))
    if person.is_active == active:
        return False
    person.is_active = active
    if not active:
        _end_sessions(person)
    action = "user.reactivate" if active else "user.deactivate"
    audit.record(user, action, target_type="user", target_id=person.username, summary=person.username)
    db.session.flush()
    return True
