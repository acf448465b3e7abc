"""Editing the unit tree (admins): create, rename and move a unit.

A unit's ``path`` spells out its place (``Kota Sorong/Dinas Kesehatan``) and every subtree query
reads path prefixes, so a rename or move rewrites the paths of the unit and everything below it in
one statement. People, coordinators' scopes and enrolments follow the unit (they point at its id).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import String, func, literal, select, update

from elearn.accounts.models import Unit, User
from elearn.audit import services as audit
from elearn.errors import Forbidden, Invalid, NotFound
from elearn.extensions import db
from elearn.people.policy import edits_units
from elearn.people.services import administrator

MAX_NAME = 200


def editor(user: User) -> None:
    """Refuse (403) anyone but an admin."""
    if not edits_units(administrator(user)):
        raise Forbidden(_("Hanya admin yang mengubah pohon unit."))


def unit_by_id(user: User, unit_id: int) -> Unit:
    """A unit an admin edits, else 404 (403 for anyone else)."""
    editor(user)
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_("Unit tidak ditemukan."))
    return unit


def clean_name(raw: str) -> str:
    """A unit name as stored: runs of white space as one space; ``Invalid`` when empty, too long or with ``/``."""
    name = " ".join(raw.split())
    if not name:
        problem = _("Nama unit wajib diisi.")
    elif "/" in name:
        problem = _("Nama unit tidak boleh memuat garis miring (/).")
    elif len(name) > MAX_NAME:
        problem = _("Nama unit paling panjang %(n)d karakter.", n=MAX_NAME)
    else:
        return name
    raise Invalid(problem, fields={"name": problem})


def _free(path: str, field: str) -> None:
    if db.session.scalar(select(Unit.id).where(Unit.path == path)) is not None:
        message = _("Sudah ada unit %(path)s.", path=path)
        raise Invalid(message, fields={field: message})


def _repath(unit: Unit, new_path: str) -> None:
    """Give ``unit`` ``new_path`` and rewrite the paths below it (one UPDATE)."""
    old_path = unit.path
    db.session.execute(
        update(Unit)
        .where(Unit.path.startswith(old_path + "/", autoescape=True))
        .values(path=literal(new_path, String()).concat(func.substr(Unit.path, len(old_path) + 1)))
        .execution_options(synchronize_session=False)
    )
    unit.path = new_path
    db.session.flush()
    db.session.expire_all()  # units below were rewritten in SQL


def create_unit(user: User, parent: Unit | None, name: str) -> Unit:
    """A new unit under ``parent`` (None: at the top)."""
    editor(user)
    name = clean_name(name)
    path = f"{parent.path}/{name}" if parent is not None else name
    _free(path, "name")
    unit = Unit(name=name, path=path, parent_id=parent.id if parent is not None else None)
    db.session.add(unit)
    db.session.flush()
    audit.record(user, "unit.create", target_type="unit", target_id=unit.id, summary=path)
    return unit


def rename_unit(user: User, unit: Unit, name: str) -> bool:
    """Rename ``unit`` (and so the paths below it); whether anything changed."""
    editor(user)
    name = clean_name(name)
    if name == unit.name:
        return False
    old_path = unit.path
    new_path = f"{old_path.rsplit('/', 1)[0]}/{name}" if "/" in old_path else name
    _free(new_path, "name")
    unit.name = name
    _repath(unit, new_path)
    audit.record(
        user, "unit.rename", target_type="unit", target_id=unit.id, summary=f"{old_path} -> {new_path}",
        details={"from": old_path, "to": new_path},
    )  # fmt: skip
    return True


def move_unit(user: User, unit: Unit, parent: Unit | None) -> bool:
    """Put ``unit`` (with everything below it) under ``parent`` (None: at the top); whether it moved."""
    editor(user)
    if (parent.id if parent is not None else None) == unit.parent_id:
        return False
    if parent is not None and (parent.id == unit.id or parent.path.startswith(unit.path + "/")):
        message = _("Unit tidak dapat dipindahkan ke dalam dirinya sendiri.")
        raise Invalid(message, fields={"parent": message})
    old_path = unit.path
    new_path = f"{parent.path}/{unit.name}" if parent is not None else unit.name
    _free(new_path, "parent")
    unit.parent_id = parent.id if parent is not None else None
    _repath(unit, new_path)
    audit.record(
        user, "unit.move", target_type="unit", target_id=unit.id, summary=f"{old_path} -> {new_path}",
        details={"from": old_path, "to": new_path},
    )  # fmt: skip
    return True


def unit_at(path: str, field: str) -> Unit | None:
    """The unit at ``path`` (empty: None, the top); ``Invalid`` naming ``field`` when there is none."""
    path = "/".join(" ".join(part.split()) for part in path.split("/")).strip("/")
    if not path:
        return None
    unit = db.session.scalar(select(Unit).where(Unit.path == path))
    if unit is None:
        message = _("Unit %(path)s tidak ada.", path=path)
        raise Invalid(message, fields={field: message})
    return unit
