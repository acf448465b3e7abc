"""Read-only account queries shared by the domains above."""

from __future__ import annotations

from typing import TypeVarTuple

from sqlalchemy import Select, or_

from elearn.accounts.models import Unit, User

Ts = TypeVarTuple("Ts")


def within_unit_tree(query: Select[*Ts], unit_path: str | None) -> Select[*Ts]:
    """Only people of ``unit_path`` and the units below it (``query`` selects from users).

    Subtrees are path prefixes (indexed), so no recursive query is needed; without a unit,
    nobody matches.
    """
    scope = unit_path or "\x00"
    return query.join(Unit, Unit.id == User.unit_id).where(
        or_(Unit.path == scope, Unit.path.startswith(scope + "/", autoescape=True))
    )
