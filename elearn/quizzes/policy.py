"""Who may see, grade and accommodate quiz attempts: pure functions over plain values."""

from __future__ import annotations

from collections.abc import Sequence

from elearn.catalogue.policy import Actor, manages_person, teaches, unit_in_scope


def sees_attempt(actor: Actor, instructors: Sequence[str], owner_unit: str | None, owner_id: int) -> bool:
    """The owner, the course's instructors, the owner's coordinators and admins (api.md)."""
    if actor.user_id == owner_id or actor.is_admin or teaches(actor, instructors):
        return True
    return actor.is_coordinator and unit_in_scope(actor.unit_path, owner_unit)


def grades_essays(actor: Actor, instructors: Sequence[str]) -> bool:
    """Instructors of the course and admins grade essays (api.md)."""
    return actor.is_admin or teaches(actor, instructors)


def sees_quiz_results(actor: Actor, instructors: Sequence[str]) -> bool:
    """Who may open a quiz's attempt list and item analysis (coordinators: their units' people only)."""
    return actor.is_admin or actor.is_coordinator or teaches(actor, instructors)


def sets_overrides(actor: Actor, instructors: Sequence[str], learner_unit: str | None, learner_id: int) -> bool:
    """An instructor of the course or a coordinator of the learner (or an admin) gives one learner
    extra time or attempts; nobody but an admin accommodates themselves."""
    if learner_id == actor.user_id and not actor.is_admin:
        return False
    return teaches(actor, instructors) or manages_person(actor, learner_unit, learner_id)
