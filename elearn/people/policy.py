"""Who may administer whom: pure functions over plain values.

Admins administer everyone and the unit tree. A coordinator administers the people of their unit
and every unit below it, except admins (whom they do not see at all) and themselves; they may
place people only in those units and give any role but admin.
"""

from __future__ import annotations

from elearn.accounts.roles import ROLES, Role
from elearn.catalogue.policy import Actor, manages_person, unit_in_scope

#: What a coordinator may make someone: anything short of admin.
COORDINATOR_GRANTS: tuple[Role, ...] = tuple(role for role in ROLES if role != "admin")


def administers_people(actor: Actor) -> bool:
    """Whether the people pages are for ``actor`` at all."""
    return actor.is_admin or actor.is_coordinator


def sees_person(actor: Actor, person_unit: str | None, person_role: str, person_id: int) -> bool:
    """Whether ``actor`` may find and act on this person (else they get 404, as if nobody were there)."""
    if actor.is_admin:
        return True
    return person_role != "admin" and manages_person(actor, person_unit, person_id)


def grantable_roles(actor: Actor) -> tuple[Role, ...]:
    """The roles ``actor`` may give."""
    if actor.is_admin:
        return ROLES
    return COORDINATOR_GRANTS if actor.is_coordinator else ()


def places_in(actor: Actor, unit_path: str | None) -> bool:
    """Whether ``actor`` may put someone in ``unit_path`` (None: no unit, for admins only)."""
    if actor.is_admin:
        return True
    return actor.is_coordinator and unit_in_scope(actor.unit_path, unit_path)


def edits_units(actor: Actor) -> bool:
    """Only admins rename and move units (a coordinator's scope is a unit: moving it moves their scope)."""
    return actor.is_admin


def reads_audit_log(actor: Actor) -> bool:
    """Only admins read the audit log."""
    return actor.is_admin
