"""Read-only lists for administering people: search within scope, units to choose from, the unit tree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from elearn.accounts.models import Unit, User
from elearn.accounts.nip import normalize_nip
from elearn.accounts.queries import in_subtree, within_units
from elearn.catalogue.policy import Actor
from elearn.extensions import db

#: Units offered as suggestions in a form (typing a path still works beyond them).
MAX_UNIT_CHOICES = 500


@dataclass(frozen=True)
class PeoplePage:
    """A page of people, by name, and how many match."""

    items: list[User]
    total: int
    page: int
    per_page: int


def in_scope(query: Select[User], actor: Actor) -> Select[User]:
    """Only the people ``actor`` administers (``query`` selects users): admins everyone; a coordinator
    their unit subtree, without admins and without themselves (``people.policy.sees_person`` in SQL)."""
    if actor.is_admin:
        return query
    if not actor.is_coordinator:
        return query.where(User.id.is_(None))
    return within_units(query, actor.unit_path).where(User.role != "admin", User.id != actor.user_id)


def search_people(actor: Actor, q: str = "", *, page: int = 1, per_page: int = 50) -> PeoplePage:
    """People ``actor`` administers whose name, username or NIP matches ``q``, in two queries."""
    query = in_scope(select(User), actor)
    text = q.strip()
    if text:
        conditions = [User.name.icontains(text, autoescape=True), User.username.contains(text.lower(), autoescape=True)]
        digits = normalize_nip(text)
        if digits.isdigit():
            conditions.append(User.nip.startswith(digits, autoescape=True))
        query = query.where(or_(*conditions))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(query.order_by(User.name, User.id).offset((page - 1) * per_page).limit(per_page))
    return PeoplePage(list(items), total, page, per_page)


def unit_choices(actor: Actor) -> list[str]:
    """Unit paths ``actor`` may place people in, for the form's suggestions."""
    query = select(Unit.path).order_by(Unit.path).limit(MAX_UNIT_CHOICES)
    if not actor.is_admin:
        query = query.where(in_subtree(actor.unit_path))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class UnitRow:
    """A unit in the tree, with its depth and how many people it holds (not counting units below)."""

    unit: Unit
    depth: int
    people: int


def unit_tree() -> list[UnitRow]:
    """Every unit in tree order (by path), in two queries."""
    counts: dict[int | None, int] = {
        unit_id: n for unit_id, n in db.session.execute(select(User.unit_id, func.count()).group_by(User.unit_id))
    }
    # By path segments: a plain sort of paths would put "Dinas Kesehatan" between "Dinas" and "Dinas/Bidang".
    units = sorted(db.session.scalars(select(Unit)), key=lambda unit: unit.path.split("/"))
    return [UnitRow(unit, unit.path.count("/"), counts.get(unit.id, 0)) for unit in units]
