"""One world for the trust sweeps, built once per backend and restored after each request that changed it.

The world is the ``scenario`` of tests/factories.py (TST-1 taught by ``guru``, TST-2 by ``guru2``, TST-A
needing approval) grown with everything a route can point at: ``peserta``'s finished attempt waiting for
an essay grade and a second attempt in progress, a certificate, an external learning record with
evidence, a course upload by ``guru``, and for every role a web session (with a CSRF token) and a bearer
token. :class:`Snapshot` keeps every row of every table, so a request that changed something is undone
by :meth:`Snapshot.restore` and the next request finds the same world.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from elearn.accounts.models import Unit, User
from elearn.accounts.services import issue_token, start_web_session
from elearn.catalogue.structure import forget as forget_cached_structure
from elearn.certificates.services import issue_certificate
from elearn.enrolment.models import Enrolment
from elearn.extensions import db
from elearn.quizzes import attempts
from elearn.quizzes.loading import attempt_questions
from elearn.quizzes.models import Attempt
from elearn.reports.records import RecordInput, Upload, submit_record
from tests.factories import DINKES, build_scenario
from tests.quizzes.world import ESSAY

#: The roles of the matrix, in the order they are tried, and the scenario user each one is.
ROLE_USERS: dict[str, str | None] = {
    "anonymous": None,
    "learner": "learner_enrolled",  # peserta: enrolled in TST-1, pending in TST-A, in the coordinator's unit
    "learner_elsewhere": "learner_other_unit",  # jauh: another city, enrolled nowhere
    "instructor": "instructor",  # guru: teaches TST-1 and TST-A
    "instructor_elsewhere": "instructor_other",  # guru2: teaches TST-2 only
    "coordinator": "coordinator",  # of Pemerintah Kota Sorong, peserta's city
    "coordinator_elsewhere": "coordinator_other",  # of Pemerintah Kabupaten Manokwari
    "admin": "admin",
}
ROLES = tuple(ROLE_USERS)

#: Markup that would run in a reader's browser if it reached a page unescaped: peserta's essay answer
#: is made of it, and the hostile corpus types it into every field someone else reads.
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
ESSAY_ANSWER = "Jawaban esai: " + XSS
SURVEY = "## Materi relevan. {type=likert id=relevansi}\n\n## Saran {type=text id=saran}\n"


@dataclass
class Snapshot:
    """Every row of every table, in the order they can be inserted again."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def take(cls) -> Snapshot:
        """Read the whole database (small: one scenario)."""
        snapshot = cls()
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            snapshot.rows[table.name] = [
                dict(row._mapping) for row in db.session.execute(table.select().order_by(*order))
            ]
        db.session.commit()
        return snapshot

    def restore(self) -> None:
        """Put the database back as it was when taken, and forget what the process cached from it."""
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        for table in db.metadata.sorted_tables:
            if self.rows[table.name]:
                db.session.execute(table.insert(), self.rows[table.name])
        db.session.commit()
        db.session.expunge_all()
        forget_cached_structure()


@dataclass
class Identity:
    """How a role calls: a session cookie for pages (with its CSRF token), a bearer token for the API."""

    role: str
    user: User | None
    cookie: str | None
    csrf: str
    bearer: dict[str, str]

    def client(self, app: Flask) -> FlaskClient:
        """A fresh client carrying only this identity's session cookie (nothing left from earlier requests)."""
        client = app.test_client()
        if self.cookie is not None:
            client.set_cookie("session", self.cookie)
        return client


@dataclass
class World:
    """The scenario, the ids a route can be filled with, each role's identity, and the snapshot."""

    app: Flask
    root: Path
    users: dict[str, User]
    ids: dict[str, Any]
    identities: dict[str, Identity]
    snapshot: Snapshot

    def document_ids(self, path: str) -> dict[str, Any]:
        """The world's objects for the parameters of an OpenAPI path (``code`` is the certificate's on
        certificate paths)."""
        ids = dict(self.ids)
        if "/certificates/{code}" in path or "/verify/{code}" in path:
            ids["code"] = ids["certificate"]
        return {name: ids[name] for name in ids if "{" + name + "}" in path}

    @contextmanager
    def restored(self) -> Iterator[None]:
        """Run a block that may change the world, then put it back."""
        try:
            yield
        finally:
            self.snapshot.restore()


def _identity(app: Flask, role: str, user: User | None) -> Identity:
    """Sign ``user`` in (a web session with a CSRF token in it) and give them a bearer token."""
    with app.app_context(), app.test_request_context():  # a fresh ``g``: generate_csrf keeps its token there
        csrf = generate_csrf()  # puts the raw token in this request's session
        contents = dict(session)
    if user is not None:
        contents.update(_user_id=start_web_session(user), _fresh=True)
    client = app.test_client()
    with client.session_transaction() as stored:
        stored.update(contents)
    cookie = client.get_cookie("session")
    bearer = {}
    if user is not None:
        token, _row = issue_token(user)
        bearer = {"Authorization": f"Bearer {token}"}
    db.session.commit()
    return Identity(role, user, cookie.value if cookie else None, csrf, bearer)


def _attempts(learner: User, quiz_id: int) -> tuple[int, int, int]:
    """``peserta`` finishes an attempt with an essay (waiting for a grade) and opens a second one:
    (finished attempt, essay question id, open attempt)."""
    context, _new = attempts.start_or_resume(learner, quiz_id)
    finished = context.attempt.id
    answers: dict[str, Any] = {}
    essay_question = 0
    for question in attempt_questions(context.attempt):
        if question.spec.type == "essay":
            answers[question.key] = ESSAY_ANSWER
            essay_question = question.question_id
        else:
            answers[question.key] = question.kind.best_answer(question.spec, question.layout)
    attempts.submit(learner, finished, answers)
    db.session.commit()
    context, _new = attempts.start_or_resume(learner, quiz_id)
    db.session.commit()
    return finished, essay_question, context.attempt.id


def _evaluation(app: Flask, root: Path, users: dict[str, User], course_id: int) -> dict[str, Any]:
    """TST-1 grows a feedback survey and lesson discussions; peserta writes a post and has one hidden;
    the coordinator publishes a needs survey to Kota Sorong. Their ids by name."""
    from elearn.discussion.models import DiscussionPost
    from elearn.evaluation.models import NeedsSurvey, NeedsTopic, SurveyItem
    from tests.coursetree import course_md, write
    from tests.factories import SORONG, load_content

    write(root / "tst-1" / "course.md", course_md("TST-1", instructors="[guru]", discussion="lessons"))
    write(root / "tst-1" / "umpan-balik.survey.md", SURVEY)
    load_content(app, root)
    learner, coordinator = users["learner_enrolled"], users["coordinator"]
    posts = [
        DiscussionPost(course_id=course_id, author_id=learner.id, body=text, html=f"<p>{text}</p>")
        for text in ("Pertanyaan", "Disembunyikan")
    ]
    posts[1].hidden_at, posts[1].hidden_reason = dt.datetime(2026, 11, 1, tzinfo=dt.UTC), "uji"
    survey = NeedsSurvey(
        title="Kebutuhan",
        unit_id=db.session.scalar(select(Unit.id).where(Unit.path == SORONG)),
        opens_on=dt.date(2020, 1, 1),
        closes_on=dt.date(2100, 1, 1),
        created_by_id=coordinator.id,
    )
    db.session.add_all([*posts, survey])
    db.session.flush()
    topic = NeedsTopic(survey_id=survey.id, position=1, competency="teknis", title="SKM")
    db.session.add(topic)
    db.session.flush()
    return {
        "post_id": posts[0].id,
        "hidden_post_id": posts[1].id,
        "survey_id": survey.id,
        "topic_id": topic.id,
        "likert_id": db.session.scalar(select(SurveyItem.id).where(SurveyItem.key == "id:relevansi")),
    }


def build_world(app: Flask, root: Path) -> World:
    """Build the world in ``app``'s (empty) database, with course folders under ``root``."""
    from elearn.publishing.services import receive_upload
    from tests.publishing.helpers import zip_folder

    scenario = build_scenario(app, root, quiz=ESSAY)
    learner = scenario.users["learner_enrolled"]
    evaluation = _evaluation(app, root, scenario.users, scenario.course.id)
    finished, essay_question, open_attempt = _attempts(learner, scenario.quiz_id)
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == learner.id, Enrolment.course_id == scenario.course.id)
    )
    assert enrolment is not None
    enrolment.completed_at = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
    certificate = issue_certificate(enrolment)
    assert certificate is not None
    values = RecordInput("Seminar", "seminar", "teknis", "BKN", dt.date(2026, 3, 1), dt.date(2026, 3, 2), 4)
    record = submit_record(learner, values, Upload("bukti.pdf", b"%PDF-1.4 bukti"))
    upload = receive_upload(scenario.users["instructor"], zip_folder(root / "tst-1"), "tst-1.zip")
    db.session.commit()
    ids: dict[str, Any] = {
        "code": "TST-1",
        "approval_code": "TST-A",
        "lesson_id": scenario.first_lesson_id,
        "quiz_id": scenario.quiz_id,
        "attempt_id": open_attempt,
        "finished_attempt_id": finished,
        "question_id": essay_question,
        "certificate": certificate.code,
        "record_id": record.id,
        "upload_id": upload.id,
        "user_id": learner.id,
        "username": learner.username,
        "unit_id": db.session.scalar(select(Unit.id).where(Unit.path == DINKES)),
        "path": "gambar.svg",
        "kind": "csv",
        "token": "no-such-reset-link",  # a password-reset link: unknown, so refused alike for everyone
        **evaluation,
    }
    identities = {role: _identity(app, role, scenario.users.get(name or "")) for role, name in ROLE_USERS.items()}
    assert db.session.get(Attempt, open_attempt) is not None
    return World(app, root, scenario.users, ids, identities, Snapshot.take())
