"""Who may do what with a course: pure functions over plain values.

Roles (api.md): everyone is a learner; an instructor teaches the courses
whose ``instructors`` name them; a coordinator is scoped to their own unit
and every unit below it; an admin may do everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The facts about a user that access rules need."""

    user_id: int
    username: str
    role: str
    unit_path: str | None

    @property
    def is_admin(self) -> bool:
        """Admins may do everything."""
        return self.role == "admin"

    @property
    def is_coordinator(self) -> bool:
        """Coordinators act on the people of their unit subtree."""
        return self.role == "coordinator"


def unit_in_scope(coordinator_unit: str | None, unit: str | None) -> bool:
    """Whether ``unit`` is ``coordinator_unit`` or lies below it."""
    if not coordinator_unit or not unit:
        return False
    return unit == coordinator_unit or unit.startswith(coordinator_unit + "/")


def teaches(actor: Actor, instructors: Sequence[str]) -> bool:
    """Whether the course's ``instructors`` list names ``actor``."""
    return actor.username.lower() in {name.lower() for name in instructors}


def manages_person(actor: Actor, person_unit: str | None, person_id: int) -> bool:
    """Whether ``actor`` may act for a person of ``person_unit`` (coordinator scope, admin).

    A coordinator never acts for themselves: their own enrolments go through the
    same key, approval and window as anyone's.
    """
    if actor.is_admin:
        return True
    return actor.is_coordinator and person_id != actor.user_id and unit_in_scope(actor.unit_path, person_unit)


def reads_any_lesson(actor: Actor, instructors: Sequence[str]) -> bool:
    """Instructors of the course, coordinators and admins read lessons without enrolling."""
    return actor.is_admin or actor.is_coordinator or teaches(actor, instructors)


def sees_enrolments(actor: Actor, instructors: Sequence[str]) -> bool:
    """Who may list a course's enrolments (a coordinator sees their units only)."""
    return actor.is_admin or actor.is_coordinator or teaches(actor, instructors)


def sees_everyone(actor: Actor, instructors: Sequence[str]) -> bool:
    """Whether ``actor`` sees every enrolment of the course (not a unit-scoped view)."""
    return actor.is_admin or teaches(actor, instructors)


def enrols_others(actor: Actor) -> bool:
    """Coordinators and admins enrol other people in bulk."""
    return actor.is_admin or actor.is_coordinator


def approves_in(actor: Actor, instructors: Sequence[str]) -> bool:
    """Whether ``actor`` may approve anyone at all in the course (checked before looking anyone up)."""
    return actor.is_admin or actor.is_coordinator or teaches(actor, instructors)


def approves(actor: Actor, instructors: Sequence[str], learner_unit: str | None, learner_id: int) -> bool:
    """Instructors of the course, the learner's coordinators and admins approve enrolments;
    nobody but an admin approves their own."""
    if learner_id == actor.user_id and not actor.is_admin:
        return False
    return teaches(actor, instructors) or manages_person(actor, learner_unit, learner_id)
