"""Who may upload and publish a course from the browser: pure functions over plain values.

An instructor of a course may upload it again; a new course (its code not yet in the
database) is uploaded by an admin, or by an instructor when ``ELEARN_INSTRUCTORS_CREATE_COURSES``
is on, who must then name themselves among its instructors (else they could never upload it again).
"""

from __future__ import annotations

from collections.abc import Sequence

from elearn.catalogue.policy import Actor, teaches


def opens_uploads(actor: Actor, *, teaches_a_course: bool, instructors_create: bool) -> bool:
    """Whether the upload page is for ``actor`` at all (checked before a body is read)."""
    if actor.is_admin or teaches_a_course:
        return True
    return instructors_create and actor.role == "instructor"


def publishes(
    actor: Actor,
    *,
    existing_instructors: Sequence[str] | None,
    new_instructors: Sequence[str],
    instructors_create: bool,
) -> bool:
    """Whether ``actor`` may load this course: ``existing_instructors`` is None for a new code."""
    if actor.is_admin:
        return True
    if existing_instructors is not None:
        return teaches(actor, existing_instructors)
    return instructors_create and actor.role == "instructor" and teaches(actor, new_instructors)


def sees_upload(actor: Actor, uploaded_by_id: int | None) -> bool:
    """Admins see every upload; the uploader sees their own."""
    return actor.is_admin or uploaded_by_id == actor.user_id
