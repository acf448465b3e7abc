"""Read-only account queries shared by every list that a coordinator's unit scope narrows."""

from __future__ import annotations

from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Select, or_

from elearn.accounts.models import Unit, User

Ts = TypeVarTuple("Ts")


#: A unit path no unit can have (a unit's name may not hold "/"): the scope of a coordinator without a
#: unit, who sees nobody. Not NUL, which PostgreSQL refuses in a text parameter.
NO_UNIT = "/"


def in_subtree(unit_path: str | None) -> ColumnElement[bool]:
    """``Unit.path`` is ``unit_path`` or a unit below it; no unit path matches no unit.

    Subtrees are path prefixes (indexed), so no recursive query is needed.
    """
    scope = unit_path or NO_UNIT
    return or_(Unit.path == scope, Unit.path.startswith(scope + "/", autoescape=True))


def within_units(query: Select[*Ts], unit_path: str | None) -> Select[*Ts]:
    """Only people of the unit ``unit_path`` and the units below it (``query`` selects from users); no
    unit means nobody."""
    return query.join(Unit, Unit.id == User.unit_id).where(in_subtree(unit_path))
