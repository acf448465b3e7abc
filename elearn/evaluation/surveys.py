"""Course feedback surveys: the form a learner answers, and answering it (anonymously, once).

A learner answers once they have completed the course. The response is stored without their id
and without a time, under a random id; a separate ``SurveySubmission`` row says that they have
answered, with no link to the response, so a second answer is refused (409) rather than merged.
When the course's certificate waits for the survey it is issued in the answering request.
Services flush, never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import Table, exists, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from elearn.accounts.models import User
from elearn.catalogue.policy import reads_any_lesson
from elearn.catalogue.structure import CourseInfo, live_structure
from elearn.certificates.models import Certificate
from elearn.certificates.services import issue_certificate
from elearn.enrolment.models import Enrolment
from elearn.enrolment.services import actor_of
from elearn.errors import Conflict, Forbidden, Invalid, NotFound
from elearn.evaluation.answers import AnswerRow, ItemRule, Problem, check_answers
from elearn.evaluation.models import (
    RELEASE_SIZE,
    WHOLE_COURSE,
    Survey,
    SurveyAnswer,
    SurveyCounter,
    SurveyItem,
    SurveyItemVersion,
    SurveyResponse,
    SurveySubmission,
)
from elearn.extensions import db
from elearn.progress.state import EnrolmentState, learner_state


@dataclass(frozen=True)
class SurveyItemView:
    """An item as the form shows it (its current version)."""

    id: int
    version_id: int
    position: int
    kind: str
    stem_html: str
    options: tuple[str, ...]
    optional: bool

    @property
    def rule(self) -> ItemRule:
        """What the item accepts."""
        return ItemRule(self.id, self.version_id, self.kind, len(self.options), self.optional)


@dataclass(frozen=True)
class LiveSurvey:
    """A course's live survey with its live items in order."""

    id: int
    title: str
    intro_html: str
    is_required: bool
    items: tuple[SurveyItemView, ...]


@dataclass(frozen=True)
class SurveyForm:
    """What the survey page shows one person."""

    course: CourseInfo
    survey: LiveSurvey
    enrolment: EnrolmentState | None
    answered: bool
    is_staff: bool  # instructor of the course, coordinator or admin: sees the form, never answers

    @property
    def is_open(self) -> bool:
        """An active learner who completed the course and has not answered yet."""
        e = self.enrolment
        return e is not None and e.status == "active" and e.completed_at is not None and not self.answered


def live_survey(course_id: int) -> LiveSurvey | None:
    """The course's live survey and its live items (one query), or None."""
    rows = db.session.execute(
        select(Survey.id, Survey.title, Survey.intro_html, Survey.is_required, SurveyItem.id, SurveyItem.position)
        .add_columns(SurveyItemVersion.id, SurveyItemVersion.kind, SurveyItemVersion.content)
        .join(SurveyItem, (SurveyItem.survey_id == Survey.id) & SurveyItem.archived_at.is_(None))
        .join(
            SurveyItemVersion,
            (SurveyItemVersion.item_id == SurveyItem.id) & (SurveyItemVersion.number == SurveyItem.version),
        )
        .where(Survey.course_id == course_id, Survey.archived_at.is_(None))
        .order_by(SurveyItem.position)
    ).all()
    if not rows:
        return None
    first = rows[0]
    items = tuple(
        SurveyItemView(
            id=row[4],
            version_id=row[6],
            position=row[5],
            kind=row[7],
            stem_html=str(row[8].get("stem_html", "")),
            options=tuple(str(option) for option in row[8].get("options", [])),
            optional=bool(row[8].get("optional", False)),
        )
        for row in rows
    )
    return LiveSurvey(first[0], first[1], first[2], first[3], items)


def has_answered(survey_id: int, user_id: int) -> bool:
    """Whether the person has answered the survey (never which response is theirs)."""
    query = select(SurveySubmission.user_id).where(
        SurveySubmission.survey_id == survey_id, SurveySubmission.user_id == user_id
    )
    return db.session.scalar(query) is not None


def survey_form(user: User, code: str) -> SurveyForm:
    """The survey of course ``code`` as ``user`` may see it: enrolled learners and the course's
    staff (404 when the course has no survey; 403 for anyone else)."""
    course = live_structure(code).course
    survey = live_survey(course.id)
    if survey is None:
        raise NotFound(_("Kursus ini tidak memiliki survei."))
    enrolment = learner_state(user.id, course.id).enrolments.get(course.id)
    staff = reads_any_lesson(actor_of(user), course.instructors)
    if not staff and (enrolment is None or enrolment.status != "active"):
        raise Forbidden(_("Anda belum terdaftar di kursus ini."), code="not_enrolled")
    answered = enrolment is not None and has_answered(survey.id, user.id)
    return SurveyForm(course, survey, enrolment, answered, staff)


def problem_text(problem: Problem) -> str:
    """A problem of one answer, for people."""
    texts = {
        "required": _("Wajib diisi."),
        "out_of_scale": _("Pilih nilai 1 sampai 5."),
        "invalid_choice": _("Pilihan tidak dikenal."),
        "one_value": _("Pilih satu jawaban saja."),
        "too_long": _("Paling banyak 2000 karakter."),
        "unknown_item": _("Butir ini tidak ada di survei."),
    }
    return texts[problem]


def answer_survey(
    user: User, code: str, given: Mapping[int, Sequence[str]], *, form: SurveyForm | None = None
) -> Certificate | None:
    """Store ``user``'s anonymous response (``given``: each item's values as text) and, when the
    certificate waited for it, issue the certificate; that certificate, or None.

    Refused, with nothing written: not enrolled or not completed (403), answered already (409),
    an answer outside its item's scale or options, a missing answer, an unknown item (422).
    ``form`` is ``survey_form(user, code)`` when the caller has it already.
    """
    form = form if form is not None else survey_form(user, code)
    if form.answered:
        raise Conflict(_("Anda sudah mengisi survei ini. Jawaban survei tidak dapat diubah."), code="already_answered")
    if not form.is_open:
        raise Forbidden(_("Survei dapat diisi setelah Anda menyelesaikan kursus."), code="survey_not_open")
    checked = check_answers([item.rule for item in form.survey.items], given)
    if checked.problems:
        fields = {f"item-{item_id}": problem_text(problem) for item_id, problem in checked.problems.items()}
        raise Invalid(_("Periksa kembali jawaban Anda."), fields=fields)
    _store(user, form.survey.id, checked.rows)
    return _release_certificate(form) if form.survey.is_required else None


def _store(user: User, survey_id: int, rows: Sequence[AnswerRow]) -> None:
    """The "has answered" row first (a second answer fails there), then the anonymous response."""
    try:
        with db.session.begin_nested():  # a second (or concurrent) answer by the same person fails here
            db.session.add(SurveySubmission(survey_id=survey_id, user_id=user.id))
            db.session.flush()
    except IntegrityError:
        raise Conflict(
            _("Anda sudah mengisi survei ini. Jawaban survei tidak dapat diubah."), code="already_answered"
        ) from None
    unit_id = user.unit_id
    response_id = secrets.token_hex(16)
    db.session.execute(
        insert(SurveyResponse).values(
            id=response_id,
            survey_id=survey_id,
            unit_id=unit_id,
            batch=_draw(survey_id, WHOLE_COURSE),
            unit_batch=_draw(survey_id, unit_id) if unit_id is not None else 0,
        )
    )
    # One executemany whatever the number of answers (a Core insert keeps NULL texts in one statement).
    db.session.execute(
        insert(cast(Table, SurveyAnswer.__table__)),
        [
            {"response_id": response_id, "item_version_id": row.version_id, "choice": row.choice, "text": row.text}
            for row in rows
        ],
    )


def _draw(survey_id: int, unit_id: int) -> int:
    """This response's release batch within a counter (atomic: concurrent answers wait for each other)."""
    dialect: Any = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = SurveyCounter.__table__
    statement = (
        dialect.insert(table)
        .values(survey_id=survey_id, unit_id=unit_id, count=1)
        .on_conflict_do_update(index_elements=[table.c.survey_id, table.c.unit_id], set_={"count": table.c.count + 1})
        .returning(table.c.count)
    )
    return (int(db.session.execute(statement).scalar_one()) - 1) // RELEASE_SIZE


def _release_certificate(form: SurveyForm) -> Certificate | None:
    """Issue the certificate that waited for this survey (None: the course gives none, or it exists)."""
    assert form.enrolment is not None  # noqa: S101 - is_open
    enrolment = db.session.get(Enrolment, form.enrolment.id)
    return issue_certificate(enrolment) if enrolment is not None else None


@dataclass(frozen=True)
class SurveyStatus:
    """The survey line of a course page: the survey's title, whether it is required and answered."""

    title: str
    is_required: bool
    answered: bool


def survey_status(user_id: int, course_id: int) -> SurveyStatus | None:
    """The course's live survey for a person's course page (one query), or None."""
    answered = (
        exists().where(SurveySubmission.survey_id == Survey.id, SurveySubmission.user_id == user_id).correlate(Survey)
    )
    row = db.session.execute(
        select(Survey.title, Survey.is_required, answered.label("answered")).where(
            Survey.course_id == course_id, Survey.archived_at.is_(None)
        )
    ).first()
    return None if row is None else SurveyStatus(row[0], bool(row[1]), bool(row[2]))
