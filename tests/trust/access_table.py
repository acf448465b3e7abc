"""Who may call what: the expected status of every route for every role, written once.

Read a row as "this route answers these roles so". ``page(403, admin=200)`` is a page that sends
anonymous callers to the sign-in page (302), answers admins 200 and everyone else 403; ``api(...)``
is the same for the JSON API, where anonymous callers get 401. ``everyone(200)`` answers every role
alike. The roles are those of ``tests.trust.world.ROLES``.

Requests are sent with the world's real ids (``tests.trust.world.build_world``: ``code`` is TST-1,
``attempt_id`` peserta's open attempt...); ``fill=`` points an argument of the route at another of the
world's ids, ``body=`` gives the form or JSON body of an unsafe method (``Ref("name")`` is a world id).
Without one the body is empty: for most unsafe routes that is the point, as the caller's right is
checked before the body is read, so the roles who may act get a validation answer (422, 400, or the
form again with 200) and the others the refusal. A route whose empty body is refused before the right is
checked gets a valid body, so that the right is what the row shows. ``LOGIN`` is a redirect to the
sign-in page (checked by its ``Location``); any other 302 is a redirect elsewhere.

Adding a route: add one line ``"METHOD /rule": page(...)`` (or ``api``/``everyone``) in the section of
its area; the test that walks the URL map names the missing key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROLE_NAMES = (
    "anonymous",
    "learner",
    "learner_elsewhere",
    "instructor",
    "instructor_elsewhere",
    "coordinator",
    "coordinator_elsewhere",
    "admin",
)


@dataclass(frozen=True)
class Row:
    """The expected status per role of one route, and how to call it."""

    statuses: dict[str, int | str]
    fill: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    changes: bool = False  # a GET that changes the world (undone after each role)


def key_of(method: str, rule: str) -> str:
    """The table's key of a route: ``"GET /courses/<code>"``."""
    return f"{method} {rule}"


@dataclass(frozen=True)
class Ref:
    """A body value taken from the world's ids when the request is sent."""

    name: str


def _row(anonymous: int | str, default: int | str, roles: dict[str, int], **how: Any) -> Row:
    unknown = set(roles) - set(ROLE_NAMES)
    assert not unknown, f"unknown roles {unknown}"
    statuses = {role: default for role in ROLE_NAMES}
    statuses["anonymous"] = anonymous
    statuses.update(roles)
    return Row(statuses, **how)


def page(
    default: int,
    *,
    fill: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
    changes: bool = False,
    **roles: int,
) -> Row:
    """A page: anonymous callers are sent to sign in; ``default`` for every role not named."""
    return _row(LOGIN, default, roles, fill=fill or {}, body=body, changes=changes)


def api(
    default: int,
    *,
    fill: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
    changes: bool = False,
    **roles: int,
) -> Row:
    """An API call: anonymous callers get 401; ``default`` for every role not named."""
    return _row(401, default, roles, fill=fill or {}, body=body, changes=changes)


def everyone(status: int | str, *, anonymous: int | str | None = None, **how: Any) -> Row:
    """Every role gets ``status`` (anonymous callers too, unless ``anonymous`` says otherwise)."""
    return _row(status if anonymous is None else anonymous, status, {}, **how)


# Role groups: who manages people (coordinators see their units only, so both answer lists), who teaches
# TST-1, and who may see peserta's own things (peserta, the coordinator of their city, admins).
MANAGERS = {"coordinator": 200, "coordinator_elsewhere": 200, "admin": 200}
TEACHER_AND_MANAGERS = {"instructor": 200, **MANAGERS}
TEACHERS = {"instructor": 200, "instructor_elsewhere": 200}
OWNER_AND_MANAGERS = {"learner": 200, "coordinator": 200, "admin": 200}
READERS = {"learner": 200, **TEACHER_AND_MANAGERS}  # of TST-1's lessons and quiz
PARTICIPANTS = {"learner": 200, "instructor": 200, "admin": 200}  # of TST-1's discussions
SURVEY_READERS = {"learner": 200, **TEACHER_AND_MANAGERS}  # TST-1's survey: its learner, staff's preview
IN_SORONG = {"learner": 200, "instructor": 200, "instructor_elsewhere": 200, "coordinator": 200}


def only(status: int, *roles: str) -> dict[str, int]:
    """``status`` for each of ``roles``."""
    return {role: status for role in roles}


TABLE: dict[str, Row] = {
    # Public.
    "GET /healthz": everyone(200),
    "GET /sw.js": everyone(200),
    "GET /api/v1/openapi.json": everyone(200),
    "GET /verify/<code>": everyone(200, fill={"code": "certificate"}),
    "GET /api/v1/verify/<code>": everyone(200, fill={"code": "certificate"}),
    "GET /login": everyone(302, anonymous=200),  # signed in: sent home
    "POST /login": everyone(302, anonymous=422),  # empty form; signed in: sent home
    "POST /api/v1/auth/token": everyone(422),  # empty body: no password is checked
    "POST /logout": everyone(LOGIN),  # ends the session of whoever sends it
    "POST /language": everyone(302, anonymous=302),  # the sign-in page has the switch too
    "GET /login/forgot": everyone(200),  # no SMTP in the world: the way to the coordinator
    "POST /login/forgot": everyone(422),  # the form is shown only with SMTP; a post is refused
    "GET /login/reset/<token>": everyone(404),  # an unknown link
    "POST /login/reset/<token>": everyone(404),
    # Own account and data (every signed-in person, about themselves).
    "GET /account": page(200),
    "GET /home": page(200),
    "GET /notifications": page(200, changes=True),  # marks the shown ones read (own only)
    "GET /api/v1/notifications": api(200),
    "POST /api/v1/notifications/read": api(204),
    "GET /account/export": page(200),
    "GET /account/password": page(200),
    "POST /account/password": page(200),  # the empty form again
    "GET /api/v1/me": api(200),
    "GET /api/v1/me/export": api(200),
    "POST /api/v1/me/password": api(422),
    "DELETE /api/v1/auth/token": api(204),
    # Catalogue and learning (TST-1: peserta enrolled, guru teaches; lessons and quiz need one or the other,
    # or a manager's view).
    "GET /": page(200),
    "GET /my": page(200),
    "GET /courses/<code>": page(200),
    "GET /courses/<code>/continue": page(302),
    "POST /courses/<code>/enrol": page(302),  # an open course: anyone signed in
    # Only peserta has a request waiting in TST-A; for anyone else there is nothing to withdraw.
    "POST /courses/<code>/withdraw": page(409, fill={"code": "approval_code"}, learner=302),
    # not enrolled: sent to the course page and its enrol button (302), not a bare 403
    "GET /lessons/<int:lesson_id>": page(302, **READERS, changes=True),
    "GET /offline/lessons": page(200),  # the signed-in person's own next lessons, for reading offline
    "GET /media/<code>/<path:path>": everyone(200, anonymous=401),
    "GET /api/v1/courses": api(200),
    "GET /api/v1/courses/<code>": api(200),
    "GET /api/v1/courses/<code>/progress": api(200),
    "POST /api/v1/courses/<code>/enrolment": api(201, learner=200),  # peserta is already enrolled
    "POST /api/v1/courses/<code>/enrolment/withdraw": api(409, fill={"code": "approval_code"}, learner=200),
    "GET /api/v1/lessons/<int:lesson_id>": api(403, **READERS, changes=True),
    # Quizzes and attempts: the attempt is peserta's open one; only its owner answers it; its readers are
    # the owner, TST-1's teachers, the owner's coordinator and admins; the essay is graded by teachers.
    "GET /quizzes/<int:quiz_id>": page(302, **READERS),  # not enrolled: to the enrol button
    "POST /quizzes/<int:quiz_id>/start": page(403, learner=302),  # only an enrolled learner takes it
    "GET /quizzes/<int:quiz_id>/results": page(403, **TEACHER_AND_MANAGERS),
    "POST /quizzes/<int:quiz_id>/results": page(403, **TEACHER_AND_MANAGERS),  # empty override form
    "GET /attempts/<int:attempt_id>": page(404, **OWNER_AND_MANAGERS, instructor=200),
    "GET /attempts/<int:attempt_id>/submit": page(404, learner=200),
    "POST /attempts/<int:attempt_id>/submit": page(404, learner=302),
    "POST /attempts/<int:attempt_id>/save": page(404, learner=302),
    "POST /attempts/<int:attempt_id>/autosave": page(404, learner=400),  # a form, not the JSON it wants
    "GET /grading": page(200),  # the essays of the courses one teaches: none for most
    "GET /attempts/<int:attempt_id>/grade/<int:question_id>": page(
        404, fill={"attempt_id": "finished_attempt_id"}, instructor=200, admin=200, learner=403, coordinator=403
    ),
    "POST /attempts/<int:attempt_id>/grade/<int:question_id>": page(
        404, fill={"attempt_id": "finished_attempt_id"}, instructor=200, admin=200, learner=403, coordinator=403
    ),
    "GET /api/v1/quizzes/<int:quiz_id>": api(403, **READERS),
    "POST /api/v1/quizzes/<int:quiz_id>/attempts": api(403, learner=200),  # resumes the open attempt
    "PUT /api/v1/quizzes/<int:quiz_id>/overrides/<username>": api(
        403, instructor=200, coordinator=200, coordinator_elsewhere=404, admin=200
    ),
    "GET /api/v1/attempts/<int:attempt_id>": api(404, **OWNER_AND_MANAGERS, instructor=200),
    "PUT /api/v1/attempts/<int:attempt_id>/answers": api(404, learner=200, body={"answers": {}}),
    "POST /api/v1/attempts/<int:attempt_id>/submit": api(404, learner=200),
    "POST /api/v1/attempts/<int:attempt_id>/grades": api(
        404,
        fill={"attempt_id": "finished_attempt_id"},
        body={"question_id": Ref("question_id"), "score": 1},
        instructor=200,
        admin=200,
        learner=403,
        coordinator=403,
    ),
    # Enrolment management (TST-A: peserta waits for approval).
    "GET /manage": page(403, **TEACHERS, **MANAGERS),
    "GET /manage/courses/<code>": page(403, **TEACHER_AND_MANAGERS),
    "POST /manage/courses/<code>": page(403, **TEACHER_AND_MANAGERS),  # empty form shown again
    "POST /manage/courses/<code>/approve/<username>": page(
        403, fill={"code": "approval_code"}, instructor=302, coordinator=302, coordinator_elsewhere=404, admin=302
    ),
    # Rejecting needs a reason: without one the deciders are sent back with the message.
    "POST /manage/courses/<code>/reject/<username>": page(
        403, fill={"code": "approval_code"}, instructor=302, coordinator=302, coordinator_elsewhere=404, admin=302
    ),
    "POST /manage/courses/<code>/unenrol/<username>": page(
        403, instructor=302, coordinator=302, coordinator_elsewhere=404, admin=302
    ),
    "GET /manage/courses/<code>/participants/<username>": page(
        403, instructor=200, coordinator=200, coordinator_elsewhere=404, admin=200
    ),
    "GET /api/v1/courses/<code>/enrolments": api(403, **TEACHER_AND_MANAGERS),
    "POST /api/v1/courses/<code>/enrolments": api(403, **only(422, "coordinator", "coordinator_elsewhere", "admin")),
    "POST /api/v1/courses/<code>/enrolments/<username>/approve": api(
        403, fill={"code": "approval_code"}, instructor=200, coordinator=200, coordinator_elsewhere=404, admin=200
    ),
    "POST /api/v1/courses/<code>/enrolments/<username>/reject": api(
        403,
        fill={"code": "approval_code"},
        body={"reason": "Kuota penuh"},
        instructor=200,
        coordinator=200,
        coordinator_elsewhere=404,
        admin=200,
    ),
    "POST /api/v1/courses/<code>/enrolments/<username>/unenrol": api(
        403, instructor=200, coordinator=200, coordinator_elsewhere=404, admin=200
    ),
    # Certificates: peserta's TST-1 certificate; its readers are the owner, their coordinator and admins.
    "GET /certificates": page(200),
    "GET /certificates/<code>/pdf": page(404, fill={"code": "certificate"}, **OWNER_AND_MANAGERS),
    "GET /manage/certificates": page(403, **MANAGERS),
    "POST /manage/certificates": page(403, **MANAGERS),  # empty issue form shown again
    "GET /manage/certificates.zip": page(403, **MANAGERS),
    "POST /manage/certificates/<code>/revoke": page(
        404, fill={"code": "certificate"}, body={"reason": "Uji"}, learner=403, coordinator=302, admin=302
    ),
    "GET /api/v1/certificates": api(200),
    "GET /api/v1/certificates/<code>": api(404, fill={"code": "certificate"}, **OWNER_AND_MANAGERS),
    "GET /api/v1/certificates/<code>/pdf": api(404, fill={"code": "certificate"}, **OWNER_AND_MANAGERS),
    "POST /api/v1/certificates/<code>/revoke": api(
        404, fill={"code": "certificate"}, body={"reason": "Uji"}, learner=403, coordinator=200, admin=200
    ),
    "GET /api/v1/certificates/managed": api(403, **MANAGERS),
    "GET /api/v1/certificates/managed.zip": api(403, **MANAGERS),
    "POST /api/v1/courses/<code>/certificates": api(403, **MANAGERS),
    # JP and external learning records (peserta's seminar, waiting for their coordinator).
    "GET /jp": page(200),
    "GET /jp/records/new": page(200),
    "POST /jp/records/new": page(200),  # the empty form again
    "GET /jp/records/<int:record_id>/edit": page(404, learner=200, coordinator=403, admin=403),
    "POST /jp/records/<int:record_id>/edit": page(404, learner=200, coordinator=403, admin=403),
    "GET /jp/records/<int:record_id>/evidence": page(404, **OWNER_AND_MANAGERS),
    "GET /manage/jp/records": page(403, **MANAGERS),
    "POST /manage/jp/records/<int:record_id>/decide": page(404, learner=403, coordinator=302, admin=302),
    "GET /api/v1/me/jp": api(200),
    "GET /api/v1/me/learning-records": api(200),
    "POST /api/v1/me/learning-records": api(422),
    "GET /api/v1/learning-records": api(403, **MANAGERS),
    "GET /api/v1/learning-records/<int:record_id>/evidence": api(404, **OWNER_AND_MANAGERS),
    "POST /api/v1/learning-records/<int:record_id>/approve": api(404, learner=403, coordinator=200, admin=200),
    "POST /api/v1/learning-records/<int:record_id>/reject": api(
        404, body={"reason": "Bukti tidak terbaca"}, learner=403, coordinator=200, admin=200
    ),
    # Reports.
    "GET /reports": page(403, **MANAGERS),
    "GET /reports/jp": page(403, **MANAGERS),
    "GET /reports/jp.csv": page(403, **MANAGERS),
    "GET /reports/jp.xlsx": page(403, **MANAGERS),
    "GET /reports/siasn.csv": page(403, **MANAGERS),
    "GET /reports/courses": page(403, **TEACHERS, **MANAGERS),  # the courses one teaches or oversees
    "GET /reports/courses/<code>": page(403, **TEACHER_AND_MANAGERS),
    "GET /api/v1/reports/jp": api(403, **MANAGERS),
    "GET /api/v1/reports/siasn": api(403, **MANAGERS),
    "GET /api/v1/reports/dashboard": api(403, **MANAGERS),
    "GET /api/v1/reports/courses/<code>": api(403, **TEACHER_AND_MANAGERS),
    # Course uploads (guru's upload of TST-1: seen by its uploader and admins only).
    "GET /manage/uploads": page(403, **TEACHERS, admin=200),
    "POST /manage/uploads": page(403, **only(422, "instructor", "instructor_elsewhere", "admin")),
    "GET /manage/uploads/<int:upload_id>": page(404, instructor=200, admin=200),
    "GET /manage/uploads/<int:upload_id>/download": page(404, instructor=200, admin=200),
    "POST /manage/uploads/<int:upload_id>/publish": page(404, instructor=302, admin=302),
    # People (peserta, in the coordinator's city; the other coordinator may not know them) and units.
    "GET /admin/users": page(403, **MANAGERS),
    "GET /admin/users/new": page(403, **MANAGERS),
    "POST /admin/users/new": page(403, **only(422, "coordinator", "coordinator_elsewhere", "admin")),
    "GET /admin/users/import": page(403, **MANAGERS),
    "POST /admin/users/import": page(403, **only(422, "coordinator", "coordinator_elsewhere", "admin")),
    "GET /admin/users/<int:user_id>": page(403, coordinator=200, coordinator_elsewhere=404, admin=200),
    "POST /admin/users/<int:user_id>": page(403, coordinator=302, coordinator_elsewhere=404, admin=302),
    "POST /admin/users/<int:user_id>/deactivate": page(403, coordinator=302, coordinator_elsewhere=404, admin=302),
    "POST /admin/users/<int:user_id>/reactivate": page(403, coordinator=302, coordinator_elsewhere=404, admin=302),
    "POST /admin/users/<int:user_id>/password": page(403, coordinator=200, coordinator_elsewhere=404, admin=200),
    "GET /admin/audit": page(403, admin=200),
    "GET /admin/units": page(403, admin=200),
    "POST /admin/units": page(403, admin=422),
    "GET /admin/units/<int:unit_id>": page(403, admin=200),
    "POST /admin/units/<int:unit_id>/rename": page(403, admin=422),
    "POST /admin/units/<int:unit_id>/move": page(403, admin=302),  # an empty parent: to the top
    # Feedback survey of TST-1 (peserta completed the course; staff see a preview, results are theirs).
    "GET /courses/<code>/survey": page(403, **SURVEY_READERS),
    "POST /courses/<code>/survey": page(403, learner=422),
    "GET /courses/<code>/survey/results": page(403, **TEACHER_AND_MANAGERS),
    "GET /courses/<code>/survey/results.csv": page(403, **TEACHER_AND_MANAGERS),
    "GET /api/v1/courses/<code>/survey": api(403, **SURVEY_READERS),
    "POST /api/v1/courses/<code>/survey": api(403, learner=201, body={"answers": {Ref("likert_id"): 4}}),
    "GET /api/v1/courses/<code>/survey/results": api(403, **TEACHER_AND_MANAGERS),
    # Discussions of TST-1: its active learners, its instructors and admins; moderators are the latter two.
    # peserta wrote ``post_id`` and has ``hidden_post_id`` hidden.
    "GET /courses/<code>/discussion": page(403, **PARTICIPANTS),
    "POST /courses/<code>/discussion": page(403, **only(422, *PARTICIPANTS)),
    "GET /lessons/<int:lesson_id>/discussion": page(403, **PARTICIPANTS),
    "POST /lessons/<int:lesson_id>/discussion": page(403, **only(422, *PARTICIPANTS)),
    "GET /courses/<code>/discussion/reported": page(403, instructor=200, admin=200),
    "GET /discussion/<int:post_id>": page(403, **PARTICIPANTS),
    "GET /discussion/<int:post_id>/edit": page(403, learner=200),
    "POST /discussion/<int:post_id>/edit": page(403, learner=422),
    "POST /discussion/<int:post_id>/replies": page(403, **only(422, *PARTICIPANTS)),
    "POST /discussion/<int:post_id>/report": page(403, learner=409, instructor=302, admin=302),  # 409: one's own
    "POST /discussion/<int:post_id>/hide": page(403, instructor=302, admin=302),
    "POST /discussion/<int:post_id>/unhide": page(403, instructor=302, admin=302, fill={"post_id": "hidden_post_id"}),
    "GET /api/v1/courses/<code>/discussion": api(403, **PARTICIPANTS),
    "POST /api/v1/courses/<code>/discussion": api(403, **only(201, *PARTICIPANTS), body={"body": "Halo"}),
    "GET /api/v1/discussion/<int:post_id>": api(403, **PARTICIPANTS),
    "PATCH /api/v1/discussion/<int:post_id>": api(403, learner=200, body={"body": "Diubah"}),
    "POST /api/v1/discussion/<int:post_id>/replies": api(403, **only(201, *PARTICIPANTS), body={"body": "Ya"}),
    "POST /api/v1/discussion/<int:post_id>/report": api(403, learner=409, instructor=204, admin=204),
    "POST /api/v1/discussion/<int:post_id>/hide": api(403, instructor=204, admin=204, body={"reason": "x"}),
    "POST /api/v1/discussion/<int:post_id>/unhide": api(
        403, instructor=204, admin=204, fill={"post_id": "hidden_post_id"}
    ),
    # Training needs: koordinator's survey to Kota Sorong; its staff answer (admins belong to no unit),
    # its publisher and admins manage it, the other coordinator may not know it.
    "GET /needs": page(200),
    "GET /needs/new": page(403, **MANAGERS),
    "POST /needs/new": page(403, **only(422, "coordinator", "coordinator_elsewhere", "admin")),
    "GET /needs/<int:survey_id>": page(403, coordinator=200, coordinator_elsewhere=404, admin=200),
    "GET /needs/<int:survey_id>/export.<any(csv, xlsx):kind>": page(
        403, coordinator=200, coordinator_elsewhere=404, admin=200
    ),
    "POST /needs/<int:survey_id>/links": page(403, coordinator=302, coordinator_elsewhere=404, admin=302),
    "POST /needs/<int:survey_id>/close": page(403, coordinator=302, coordinator_elsewhere=404, admin=302),
    "GET /needs/<int:survey_id>/answer": page(404, **IN_SORONG),
    "POST /needs/<int:survey_id>/answer": page(404, **only(422, *IN_SORONG)),
    "GET /api/v1/needs-surveys": api(200),
    "GET /api/v1/needs-surveys/<int:survey_id>": api(404, **IN_SORONG),
    "PUT /api/v1/needs-surveys/<int:survey_id>/response": api(
        404, **only(200, *IN_SORONG), body={"ratings": {Ref("topic_id"): 5}, "method": "mentoring"}
    ),
}
