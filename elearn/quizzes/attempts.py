"""Quiz attempts: start or resume, autosave, submit, the server's clock, essay grades.

Rules (api.md "Quizzes and attempts"):

- one open attempt per learner and quiz, held by a partial unique index, so
  concurrent starts resume the same attempt instead of making two;
- which questions are drawn, their order and their options' order and ids
  are decided once, at start, and frozen in ``Attempt.layout``;
- saves merge into what was saved; a submit saves its body, then finishes;
  submitting a finished attempt returns its result unchanged;
- time limits are the server's: ``deadline + GRACE`` is the last moment a save
  or a submit body counts; after it, any touch finishes the attempt with what
  was saved, so no saved answer is ever lost and no attempt stays open.

Services flush and never commit. Refusals that come after an overdue attempt
was finished carry ``keeps_changes`` so the adapter commits that finish.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from elearn.accounts.models import Unit, User
from elearn.audit import services as audit
from elearn.catalogue.models import Course
from elearn.catalogue.structure import CourseInfo, snapshot
from elearn.core.database import dialect_insert, insert_ignoring_duplicates, prebuilt
from elearn.core.time import now
from elearn.enrolment.services import actor_of
from elearn.errors import Conflict, Forbidden, Invalid, NotFound
from elearn.extensions import db
from elearn.notifications.services import notify
from elearn.progress.access import ItemLocked, OpenItem, open_item
from elearn.quizzes.loading import AttemptQuestion, attempt_questions, specs_of
from elearn.quizzes.models import (
    FINISHED,
    IN_PROGRESS,
    NEEDS_GRADING,
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Question,
    QuestionVersion,
    Quiz,
    QuizOverride,
)
from elearn.quizzes.policy import grades_essays, sees_attempt
from elearn.quizzes.questions import AnswerError, kind_of
from elearn.quizzes.results import update_result
from elearn.quizzes.scoring import attempt_grade, round_half_up

#: Saves and a submit that arrive before ``deadline + GRACE`` count (requests in flight).
GRACE = dt.timedelta(seconds=30)
MAX_ID = 2**31 - 1


class AttemptClosed(Conflict):
    """The attempt takes no more answers (finished, or past its deadline and grace)."""

    code = "attempt_closed"


class NoAttemptsLeft(Conflict):
    """Every allowed attempt has been used."""

    code = "no_attempts_left"


class InvalidAnswer(Invalid):
    """An unknown question or option id, or an answer of the wrong shape (nothing is saved)."""

    code = "invalid_answer"


@dataclass
class AttemptContext:
    """An attempt with what every use of it needs: its quiz, course and owner."""

    attempt: Attempt
    quiz: Quiz
    course: Course | CourseInfo
    owner: User
    owner_unit: str | None
    #: The saved answers by question version id, once read in this request (kept fresh by ``finish``).
    saved: dict[int, AttemptAnswer] | None = None

    def answers(self) -> dict[int, AttemptAnswer]:
        """The saved answers, read once per request."""
        if self.saved is None:
            self.saved = saved_answers(self.attempt)
        return self.saved

    @property
    def language(self) -> str:
        """The course's language (true/false options read in it)."""
        return self.course.language


# --- the clock -------------------------------------------------------------------------------------


def is_overdue(attempt: Attempt, moment: dt.datetime) -> bool:
    """Past its deadline and the grace: no save counts any more, any touch finishes it."""
    return attempt.is_open and attempt.deadline_at is not None and moment >= attempt.deadline_at + GRACE


def touch(context: AttemptContext) -> bool:
    """Finish the attempt with its saved answers if it is overdue; whether that happened now."""
    if is_overdue(context.attempt, now()):
        return finish(context)
    return False


# --- loading ---------------------------------------------------------------------------------------


def _load(attempt_id: int) -> AttemptContext | None:
    if not 0 < attempt_id <= MAX_ID:
        return None
    statement = prebuilt(
        "attempt-context",
        lambda: (
            select(Attempt, Quiz, Course, User, Unit.path)
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .join(Course, Course.id == Quiz.course_id)
            .join(User, User.id == Attempt.user_id)
            .outerjoin(Unit, Unit.id == User.unit_id)
            .where(Attempt.id == bindparam("attempt_id"))
        ),
    )
    found = db.session.execute(statement, {"attempt_id": attempt_id}).first()
    return AttemptContext(*found) if found is not None else None


def own_attempt(user: User, attempt_id: int) -> AttemptContext:
    """The caller's own attempt (anyone else's: 404, as if it did not exist).

    The hot path of autosave and submit: one query for the attempt and its quiz (the caller is the
    owner, the course comes from the cached structure); the full load only for a course no longer live.
    """
    if not 0 < attempt_id <= MAX_ID:
        raise NotFound(_("Percobaan kuis tidak ditemukan."))
    statement = prebuilt(
        "own-attempt",
        lambda: (
            select(Attempt, Quiz)
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.id == bindparam("attempt_id"), Attempt.user_id == bindparam("user_id"))
        ),
    )
    found = db.session.execute(statement, {"attempt_id": attempt_id, "user_id": user.id}).first()
    if found is None:
        raise NotFound(_("Percobaan kuis tidak ditemukan."))
    attempt, quiz = found
    structure = snapshot().by_id.get(quiz.course_id)
    if structure is None:
        context = _load(attempt_id)
        if context is None:
            raise NotFound(_("Percobaan kuis tidak ditemukan."))
        return context
    return AttemptContext(attempt, quiz, structure.course, user, user.unit_path)


def visible_attempt(user: User, attempt_id: int) -> AttemptContext:
    """An attempt the caller may see: owner, the course's instructors, the owner's coordinators, admins."""
    context = _load(attempt_id)
    if context is None or not sees_attempt(
        actor_of(user), context.course.instructors, context.owner_unit, context.owner.id
    ):
        raise NotFound(_("Percobaan kuis tidak ditemukan."))
    return context


def override_of(quiz_id: int, user_id: int) -> QuizOverride | None:
    """The learner's accommodation on this quiz, if any."""
    return db.session.scalar(
        select(QuizOverride).where(QuizOverride.quiz_id == quiz_id, QuizOverride.user_id == user_id)
    )


def attempts_allowed(quiz: Quiz, override: QuizOverride | None) -> int:
    """Attempts the learner may start (0: unlimited), extra attempts included."""
    if not quiz.attempts_allowed:
        return 0
    return quiz.attempts_allowed + (override.extra_attempts if override else 0)


def time_limit(quiz: Quiz, override: QuizOverride | None) -> dt.timedelta | None:
    """The learner's time for one attempt, extra minutes included (None: untimed)."""
    if not quiz.time_limit_minutes:
        return None
    return dt.timedelta(minutes=quiz.time_limit_minutes + (override.extra_minutes if override else 0))


# --- starting --------------------------------------------------------------------------------------


def open_quiz(user: User, quiz_id: int) -> tuple[OpenItem, Quiz]:
    """A live quiz the user may open (the same access rules as a lesson), with its settings."""
    opened = open_item(user, "quiz", quiz_id, _("Kuis tidak ditemukan."))
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound(_("Kuis tidak ditemukan."))
    return opened, quiz


def start_or_resume(user: User, quiz_id: int) -> tuple[AttemptContext, bool]:
    """The caller's open attempt (resumed), or a new one; returns (attempt, newly started).

    Only an enrolled learner whose module is unlocked may start (403 ``not_enrolled``,
    ``enrolment_pending``, ``locked``); 409 ``no_attempts_left`` when every attempt is used.
    """
    opened, quiz = open_quiz(user, quiz_id)
    if not opened.access.is_learning:
        raise Forbidden(_("Hanya peserta terdaftar yang dapat mengerjakan kuis."), code="not_enrolled")
    if opened.module.locked:
        raise ItemLocked(opened.access, opened.module)
    course = opened.access.course
    current = _open_attempt(quiz.id, user.id)
    finished_one = False
    if current is not None:
        context = AttemptContext(current, quiz, course, user, user.unit_path)
        if not touch(context):
            return context, False
        finished_one = True
    override = override_of(quiz.id, user.id)
    used, last_number = db.session.execute(
        select(func.count(), func.coalesce(func.max(Attempt.number), 0)).where(
            Attempt.quiz_id == quiz.id, Attempt.user_id == user.id
        )
    ).one()
    allowed = attempts_allowed(quiz, override)
    if allowed and used >= allowed:
        message = _("Semua kesempatan mengerjakan kuis ini sudah dipakai.")
        raise NoAttemptsLeft(message, keeps_changes=finished_one)
    attempt = _new_attempt(quiz, user, last_number + 1, time_limit(quiz, override))
    try:
        with db.session.begin_nested():  # a concurrent start may have opened one first
            db.session.add(attempt)
    except IntegrityError:
        existing = _open_attempt(quiz.id, user.id)
        if existing is None:
            raise Conflict(_("Kuis sedang dimulai di jendela lain. Muat ulang halaman.")) from None
        return AttemptContext(existing, quiz, course, user, user.unit_path), False
    return AttemptContext(attempt, quiz, course, user, user.unit_path), True


def _open_attempt(quiz_id: int, user_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(Attempt.quiz_id == quiz_id, Attempt.user_id == user_id, Attempt.state == IN_PROGRESS)
    )


def _new_attempt(quiz: Quiz, user: User, number: int, limit: dt.timedelta | None) -> Attempt:
    """An attempt with its questions drawn, ordered and laid out once (a fresh random seed each)."""
    rows = db.session.execute(
        select(Question.id, QuestionVersion.id, QuestionVersion.content_hash)
        .join(
            QuestionVersion, (QuestionVersion.question_id == Question.id) & (QuestionVersion.number == Question.version)
        )
        .where(Question.quiz_id == quiz.id, Question.archived_at.is_(None))
        .order_by(Question.position, Question.id)
    ).all()
    if not rows:
        raise Conflict(_("Kuis ini belum memiliki soal."), code="quiz_empty")
    rng = random.Random(secrets.randbits(64))  # noqa: S311 - layout, not a secret: ids come from it but say nothing
    chosen = rng.sample(rows, quiz.draw) if quiz.draw and quiz.draw < len(rows) else list(rows)
    if quiz.shuffle:
        rng.shuffle(chosen)
    else:
        order = {row: position for position, row in enumerate(rows)}
        chosen.sort(key=lambda row: order[row])
    specs = specs_of((version_id, digest) for _question_id, version_id, digest in chosen)
    layout = [
        {
            "question": question_id,
            "version": version_id,
            "hash": digest,
            "layout": kind_of(specs[version_id][0].type).make_layout(specs[version_id][0], rng, shuffle=quiz.shuffle),
        }
        for question_id, version_id, digest in chosen
    ]
    started = now()
    return Attempt(
        quiz_id=quiz.id,
        user_id=user.id,
        number=number,
        state=IN_PROGRESS,
        started_at=started,
        deadline_at=started + limit if limit is not None else None,
        layout=layout,
    )


# --- saving ----------------------------------------------------------------------------------------


def saved_answers(attempt: Attempt) -> dict[int, AttemptAnswer]:
    """The attempt's saved answers by question version id."""
    statement = prebuilt(
        "attempt-answers", lambda: select(AttemptAnswer).where(AttemptAnswer.attempt_id == bindparam("attempt_id"))
    )
    rows = db.session.scalars(statement, {"attempt_id": attempt.id})
    return {row.question_version_id: row for row in rows}


def check_answers(questions: list[AttemptQuestion], raw: dict[str, Any]) -> dict[int, Any]:
    """Every answer checked against its question (canonical form by version id), or ``InvalidAnswer``
    naming each bad one; nothing is saved unless all are good."""
    by_key = {question.key: question for question in questions}
    checked: dict[int, Any] = {}
    problems: dict[str, str] = {}
    for key, value in raw.items():
        question = by_key.get(str(key))
        if question is None:
            problems[str(key)[:100]] = _("Soal ini tidak ada dalam percobaan ini.")
            continue
        try:
            checked[question.version_id] = question.kind.check_answer(question.spec, question.layout, value)
        except AnswerError as error:
            problems[question.key] = str(error)
    if problems:
        raise InvalidAnswer(_("Jawaban tidak dapat disimpan."), fields=dict(list(problems.items())[:20]))
    return checked


def _write_answers(attempt: Attempt, answers: dict[int, Any], moment: dt.datetime, *, mark_saved: bool = True) -> None:
    """Merge answers into what was saved: one upsert whatever their number."""
    if not answers:
        return
    db.session.execute(
        prebuilt("attempt-answers-merge", lambda: _answers_upsert("response", "saved_at")),
        [
            {"attempt_id": attempt.id, "question_version_id": version_id, "response": value, "saved_at": moment}
            for version_id, value in answers.items()
        ],
    )
    if mark_saved:  # a statement, not a unit-of-work flush: this is the autosave's hot path
        db.session.execute(
            prebuilt(
                "attempt-saved-at",
                lambda: (
                    update(cast(Any, Attempt.__table__))
                    .where(Attempt.__table__.c.id == bindparam("attempt_id"))
                    .values(saved_at=bindparam("moment"))
                ),
            ),
            {"attempt_id": attempt.id, "moment": moment},
        )
        set_committed_value(attempt, "saved_at", moment)


def save_answers(user: User, attempt_id: int, raw: dict[str, Any]) -> tuple[AttemptContext, int]:
    """Autosave: merge ``raw`` ({question id: Answer}) into the caller's open attempt; how many were saved.

    409 ``attempt_closed`` once finished or from ``deadline + GRACE`` on (an overdue attempt is
    finished with what was saved before); 422 ``invalid_answer`` saves nothing.
    """
    context = own_attempt(user, attempt_id)
    if touch(context):
        raise AttemptClosed(
            _("Waktu pengerjaan sudah habis; jawaban yang tersimpan sudah dinilai."), keeps_changes=True
        )
    if not context.attempt.is_open:
        raise AttemptClosed(_("Percobaan ini sudah selesai."))
    checked = check_answers(attempt_questions(context.attempt), raw)
    _write_answers(context.attempt, checked, now())
    db.session.flush()
    return context, len(checked)


def submit(user: User, attempt_id: int, raw: dict[str, Any] | None) -> AttemptContext:
    """Save ``raw`` (when still in time), then finish. A finished attempt is returned unchanged;
    past the grace the body is ignored and what was saved is graded."""
    context = own_attempt(user, attempt_id)
    attempt = context.attempt
    if not attempt.is_open:
        return context
    moment = now()
    if raw and not is_overdue(attempt, moment):
        _write_answers(attempt, check_answers(attempt_questions(attempt), raw), moment, mark_saved=False)
    finish(context)
    return context


# --- finishing and grading -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """One question's outcome in a finished attempt."""

    question: AttemptQuestion
    answer: Any
    score: Fraction | Decimal | None  # None: an answered essay not graded yet


def score_attempt(questions: list[AttemptQuestion], saved: dict[int, AttemptAnswer]) -> list[Scored]:
    """Score every question from the saved answers (exactly); essays keep an instructor's grade."""
    scored = []
    for question in questions:
        row = saved.get(question.version_id)
        answer = row.response if row is not None else None
        score: Fraction | Decimal | None = question.kind.score(question.spec, question.layout, answer)
        if score is None and row is not None and row.graded_at is not None and row.score is not None:
            score = row.score  # the instructor's grade
        scored.append(Scored(question, answer, score))
    return scored


def totals(scored: list[Scored], pass_percent: Decimal) -> dict[str, Any]:
    """The attempt's state and numbers from its scored questions."""
    max_score = sum((s.question.points for s in scored), Decimal(0))
    if any(s.score is None for s in scored):
        return {"state": NEEDS_GRADING, "score": None, "max_score": max_score, "grade": None, "is_passed": None}
    exact = [Fraction(s.score) for s in scored if s.score is not None]
    grade = attempt_grade(exact, [s.question.points for s in scored])
    score = round_half_up(sum(exact, Fraction(0)), 4)
    return {
        "state": FINISHED,
        "score": score,
        "max_score": max_score,
        "grade": grade,
        "is_passed": grade >= pass_percent,
    }


def finish(context: AttemptContext) -> bool:
    """Grade the attempt with its saved answers and close it, once (a concurrent finish loses
    cleanly); then update the learner's quiz result. Whether this call finished it."""
    attempt = context.attempt
    questions = attempt_questions(attempt)
    saved = saved_answers(attempt)
    scored = score_attempt(questions, saved)
    numbers = totals(scored, context.quiz.pass_percent)
    moment = now()
    context.saved = saved
    values = {f"set_{name}": value for name, value in {"finished_at": moment, **numbers}.items()}
    claimed = db.session.execute(prebuilt("attempt-finish", _finish_statement), {"attempt_id": attempt.id, **values})
    if cast(CursorResult[Any], claimed).rowcount != 1:
        db.session.refresh(attempt)  # another request finished it first: show theirs
        return False
    for name, value in {"finished_at": moment, **numbers}.items():
        set_committed_value(attempt, name, value)
    _record_scores(attempt, scored, saved, moment)
    update_result(context.quiz, attempt.user_id)
    return True


def _answers_upsert(*updated: str) -> Any:
    """INSERT answer rows; where one exists, set only the ``updated`` columns (one statement for many rows)."""
    table: Any = AttemptAnswer.__table__
    statement = dialect_insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.attempt_id, table.c.question_version_id],
        set_={name: statement.excluded[name] for name in updated},
    )


FINISH_COLUMNS = ("finished_at", "state", "score", "max_score", "grade", "is_passed")


def _finish_statement() -> Any:
    """Close an open attempt with its numbers; matches no row when another request closed it first."""
    table: Any = Attempt.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("attempt_id"), table.c.state == IN_PROGRESS)
        .values({name: bindparam(f"set_{name}") for name in FINISH_COLUMNS})
    )


def _record_scores(
    attempt: Attempt, scored: list[Scored], saved: dict[int, AttemptAnswer], moment: dt.datetime
) -> None:
    """Every question gets an answer row with its score (unanswered ones too, for item analysis), in one
    statement whatever their number, and the chosen options are counted per option in another."""
    rows, choices = [], []
    for s in scored:
        score = round_half_up(Fraction(s.score), 4) if s.score is not None else None
        rows.append(
            {
                "attempt_id": attempt.id,
                "question_version_id": s.question.version_id,
                "response": s.answer,
                "saved_at": moment,
                "score": score,
            }
        )
        if s.question.version_id in saved:
            set_committed_value(saved[s.question.version_id], "score", score)
        for index in s.question.kind.chosen_options(s.question.spec, s.question.layout, s.answer):
            choices.append(
                {"attempt_id": attempt.id, "question_version_id": s.question.version_id, "option_index": index}
            )
    db.session.execute(prebuilt("attempt-answers-score", lambda: _answers_upsert("score")), rows)
    insert_ignoring_duplicates(AnswerChoice, choices)


def grade_essay(user: User, attempt_id: int, question_id: int, score: Decimal, comment: str | None) -> AttemptContext:
    """An instructor's (or admin's) grade for an answered essay; the attempt is finished once every
    answered essay has one, and the learner's result and course completion follow."""
    context = visible_attempt(user, attempt_id)
    if not grades_essays(actor_of(user), context.course.instructors):
        raise Forbidden(_("Hanya pengajar kursus ini yang dapat menilai esai."))
    attempt = context.attempt
    if attempt.is_open:
        raise Invalid(_("Percobaan ini belum dikumpulkan."), fields={"question_id": _("Percobaan belum selesai.")})
    questions = attempt_questions(attempt)
    question = next((q for q in questions if q.question_id == question_id), None)
    saved = saved_answers(attempt)
    row = saved.get(question.version_id) if question is not None else None
    if question is None or row is None or question.spec.type != "essay" or not question.kind.is_answered(row.response):
        message = _("Soal ini bukan esai yang dijawab dalam percobaan ini.")
        raise Invalid(message, fields={"question_id": message})
    if not Decimal(0) <= score <= question.points:
        message = _("Nilai harus antara 0 dan %(points)s.", points=f"{question.points.normalize():f}")
        raise Invalid(message, fields={"score": message})
    row.score, row.comment, row.graded_by_id, row.graded_at = score, comment or None, user.id, now()
    audit.record(
        user,
        "quiz.grade_essay",
        target_type="attempt",
        target_id=attempt.id,
        summary=f"{context.owner.username}: {score} / {question.points}",
    )
    numbers = totals(score_attempt(questions, saved), context.quiz.pass_percent)
    graded_now = attempt.state == NEEDS_GRADING and numbers["state"] == FINISHED
    for name, value in numbers.items():
        setattr(attempt, name, value)
    if graded_now:  # the last essay of the attempt: the learner's result is known
        quiz_title, course_title = context.quiz.title, context.course.title
        notify(attempt.user_id, "quiz_graded", attempt=attempt.id, quiz=quiz_title, title=course_title)
    db.session.flush()
    update_result(context.quiz, attempt.user_id)
    return context


def finish_overdue(limit: int = 500) -> int:
    """Finish every attempt past its deadline and grace (the periodic sweep); how many."""
    cutoff = now() - GRACE
    ids = db.session.scalars(
        select(Attempt.id)
        .where(Attempt.state == IN_PROGRESS, Attempt.deadline_at.is_not(None), Attempt.deadline_at <= cutoff)
        .order_by(Attempt.id)
        .limit(limit)
    ).all()
    finished = 0
    for attempt_id in ids:
        context = _load(attempt_id)
        if context is not None and finish(context):
            finished += 1
    return finished
