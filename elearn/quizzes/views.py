"""Quiz pages for phones: the quiz's start page, the attempt (one question per screen or all on one
page), autosave for the page's script, submit, and the result with its review.

Everything works by plain form posts; ``static/js/quiz.js`` adds autosave on every change, answers
kept in the browser while offline, a countdown and an offline banner.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from elearn.catalogue.policy import sees_everyone
from elearn.catalogue.structure import snapshot
from elearn.core.http import JSON_BODY_LIMIT, error_response, parse_json_body
from elearn.core.time import iso, now
from elearn.enrolment.services import actor_of
from elearn.errors import DomainError, Forbidden, Invalid, NotFound
from elearn.extensions import db
from elearn.progress.access import ItemLocked
from elearn.quizzes import attempts
from elearn.quizzes.attempts import AttemptClosed, AttemptContext, InvalidAnswer
from elearn.quizzes.forms import GradeForm, OverrideForm
from elearn.quizzes.models import IN_PROGRESS
from elearn.quizzes.policy import grades_essays
from elearn.quizzes.queries import check_sees_results, essays_waiting, item_analysis, quiz_attempts
from elearn.quizzes.services import (
    grace_seconds,
    presented_questions,
    quiz_summary,
    review_allowed,
    review_items,
    saved_answer_map,
    seconds_left,
    set_override,
)
from elearn.web import enrol_first, locked_page

bp = Blueprint("quizzes", __name__)
VIEW_MODES = ("one", "all")


@bp.get("/quizzes/<int:quiz_id>")
@login_required
def quiz(quiz_id: int) -> Any:
    """The quiz's start page: settings, the learner's attempts and grade, start or continue."""
    try:
        summary = quiz_summary(current_user, quiz_id)
    except ItemLocked as locked:
        return locked_page(locked)
    except Forbidden as refused:
        return enrol_first(refused, snapshot().course_of_quiz.get(quiz_id))
    db.session.commit()  # an overdue attempt may have been finished on this touch
    return render_template("quizzes/quiz.html", summary=summary)


@bp.post("/quizzes/<int:quiz_id>/start")
@login_required
def start(quiz_id: int) -> Any:
    """Start an attempt, or continue the open one."""
    try:
        context, _created = attempts.start_or_resume(current_user, quiz_id)
    except ItemLocked as locked:
        return locked_page(locked)
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=context.attempt.id))


def _view_mode() -> str:
    """One question per screen or all on one page: the learner's choice, kept for the session."""
    chosen = request.args.get("view")
    if chosen in VIEW_MODES:
        session["quiz_view"] = chosen
    mode = session.get("quiz_view", "one")
    return mode if mode in VIEW_MODES else "one"


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int) -> Any:
    """The attempt while in progress; its result (and review, as the quiz allows) once finished."""
    context = attempts.visible_attempt(current_user, attempt_id)
    finished_now = attempts.touch(context)
    db.session.commit()
    if context.attempt.state != IN_PROGRESS:
        return _result_page(context, finished_now)
    if context.owner.id != current_user.id:
        return render_template("quizzes/watch.html", context=context), 200
    return _attempt_page(context)


def _attempt_page(
    context: AttemptContext,
    errors: dict[str, str] | None = None,
    status: int = 200,
    typed: dict[str, Any] | None = None,
) -> Any:
    """The attempt's questions: the asked-for one (or all); after refused answers, the questions the
    refused form showed, with their errors."""
    questions = presented_questions(context)
    mode = _view_mode()
    number = min(max(request.args.get("q", 1, type=int) or 1, 1), len(questions))
    shown = questions if mode == "all" else questions[number - 1 : number]
    if errors:
        posted = set(request.form.getlist("shown"))
        shown = [q for q in questions if str(q["id"]) in posted] or shown
        number = next((i for i, q in enumerate(questions, start=1) if q in shown), number)
    attempt = context.attempt
    return (
        render_template(
            "quizzes/attempt.html",
            context=context,
            questions=questions,
            shown=shown,
            number=number,
            mode=mode,
            answers={**saved_answer_map(context), **(typed or {})},  # what was typed stays on screen
            errors=errors or {},
            seconds_left=seconds_left(attempt),
            grace=grace_seconds(),
            server_time=iso(now()),
        ),
        status,
    )


def _result_page(context: AttemptContext, finished_now: bool = False) -> Any:
    shown = review_allowed(context, current_user)
    items = review_items(context) if shown else []
    return render_template(
        "quizzes/result.html", context=context, items=items, review_shown=shown, finished_now=finished_now
    )


def answers_from_form(questions: list[dict[str, Any]], form: MultiDict[str, str]) -> dict[str, Any]:
    """The answers of the questions a posted page showed (``shown`` fields), as API ``Answer`` values;
    a question shown but left empty is saved as cleared."""
    shown = set(form.getlist("shown"))
    raw: dict[str, Any] = {}
    for question in questions:
        key = str(question["id"])
        if key not in shown:
            continue
        name, kind = f"a-{key}", question["type"]
        if kind == "multiple":
            raw[key] = form.getlist(name)
        elif kind == "matching":
            pairs = {left["id"]: form.get(f"{name}-{left['id']}") or None for left in question["left"]}
            raw[key] = {left: right for left, right in pairs.items() if right}
        elif kind in ("short", "numerical", "essay"):
            raw[key] = form.get(name, "")
        else:
            raw[key] = form.get(name) or None
    return raw


@bp.post("/attempts/<int:attempt_id>/save")
@login_required
def save(attempt_id: int) -> Any:
    """Save the answers on the page, then go where the learner asked (next, previous, a number, submit)."""
    context = attempts.own_attempt(current_user, attempt_id)
    raw = answers_from_form(presented_questions(context), request.form)
    try:
        attempts.save_answers(current_user, attempt_id, raw)
    except InvalidAnswer as error:
        db.session.rollback()
        return _attempt_page(context, errors=error.fields or {}, status=422, typed=raw)
    except AttemptClosed:
        db.session.commit()  # an overdue attempt was finished with what was saved before
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    db.session.commit()
    go = request.form.get("go", "")
    if go == "submit":
        return redirect(url_for("quizzes.confirm", attempt_id=attempt_id))
    target = request.form.get("q", type=int)
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id, q=target))


@bp.get("/attempts/<int:attempt_id>/submit")
@login_required
def confirm(attempt_id: int) -> Any:
    """Ask before submitting: how many questions are answered, and that nothing can change after."""
    context = attempts.own_attempt(current_user, attempt_id)
    attempts.touch(context)
    db.session.commit()
    if context.attempt.state != IN_PROGRESS:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    questions = presented_questions(context)
    answered = saved_answer_map(context)
    return render_template("quizzes/confirm.html", context=context, questions=questions, answered=answered)


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int) -> Any:
    """Finish the attempt (saving the answers of the page it was sent from, when in time)."""
    context = attempts.own_attempt(current_user, attempt_id)
    raw = answers_from_form(presented_questions(context), request.form) if context.attempt.is_open else None
    try:
        attempts.submit(current_user, attempt_id, raw)
    except InvalidAnswer as error:
        db.session.rollback()
        return _attempt_page(context, errors=error.fields or {}, status=422, typed=raw)
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))


@bp.post("/attempts/<int:attempt_id>/autosave")
@login_required
def autosave(attempt_id: int) -> Any:
    """The page script's autosave: ``{"answers": {question id: Answer}}`` -> ``{"saved", "saved_at"}``,
    errors in the API's envelope (CSRF token in the ``X-CSRFToken`` header)."""
    attempts.own_attempt(current_user, attempt_id)  # anyone else: 404 before the body is read
    request.max_content_length = JSON_BODY_LIMIT
    try:
        body = parse_json_body(request.get_data())
        answers = body.get("answers") if isinstance(body, dict) else None
        if not isinstance(answers, dict):
            raise InvalidAnswer(_("Jawaban tidak dapat disimpan."), fields={"answers": _("Wajib berupa objek.")})
        context, saved = attempts.save_answers(current_user, attempt_id, answers)
    except ValueError as error:  # not JSON, or hostile JSON
        return error_response(DomainError(_("Isi permintaan bukan JSON yang sah: %(why)s", why=str(error))))
    except DomainError as error:
        if error.keeps_changes:
            db.session.commit()
        else:
            db.session.rollback()
        return error_response(error)
    db.session.commit()
    return jsonify(
        saved=saved,
        saved_at=iso(context.attempt.saved_at),
        # to the microsecond: the page script tells a copy shown offline from a fresh page by it
        saved_at_exact=context.attempt.saved_at.isoformat() if context.attempt.saved_at else None,
        seconds_left=seconds_left(context.attempt),
        server_time=iso(now()),
    )


# --- instructors and coordinators ------------------------------------------------------------------


def _staff_quiz(quiz_id: int) -> tuple[Any, Any]:
    """A live quiz and its course, for someone who may see its results (else 404 / 403)."""
    opened, quiz = attempts.open_quiz(current_user, quiz_id)
    check_sees_results(actor_of(current_user), opened.access.course)
    return quiz, opened.access.course


@bp.route("/quizzes/<int:quiz_id>/results", methods=["GET", "POST"])
@login_required
def results(quiz_id: int) -> Any:
    """Attempts and grades of the learners the caller may see, item analysis, essays to grade, and
    accommodations (extra time or attempts for one learner)."""
    quiz_row, course = _staff_quiz(quiz_id)
    actor = actor_of(current_user)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            set_override(
                current_user,
                quiz_id,
                form.username.data or "",
                extra_minutes=form.extra_minutes.data or 0,
                extra_attempts=form.extra_attempts.data or 0,
                reason=form.reason.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            form.username.errors = [error.message]
        else:
            db.session.commit()
            flash(_("Kelonggaran untuk %(username)s disimpan.", username=form.username.data), "success")
            return redirect(url_for("quizzes.results", quiz_id=quiz_id))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    rows = quiz_attempts(actor, quiz_row, course, page=page)
    essays = [e for e in essays_waiting(actor) if e.course_code == course.code]
    analysis = item_analysis(quiz_row) if sees_everyone(actor, course.instructors) else []
    return render_template(
        "quizzes/results.html",
        quiz=quiz_row,
        course=course,
        rows=rows,
        page=page,
        analysis=analysis,
        essays=essays,
        form=form,
        can_grade=grades_essays(actor, course.instructors),
    )


@bp.get("/grading")
@login_required
def grading() -> Any:
    """Essays waiting for a grade in the courses the caller teaches."""
    return render_template("quizzes/grading.html", essays=essays_waiting(actor_of(current_user)))


@bp.route("/attempts/<int:attempt_id>/grade/<int:question_id>", methods=["GET", "POST"])
@login_required
def grade(attempt_id: int, question_id: int) -> Any:
    """Grade one answered essay: score and a comment the learner sees in the review."""
    context = attempts.visible_attempt(current_user, attempt_id)
    if not grades_essays(actor_of(current_user), context.course.instructors):
        raise Forbidden(_("Hanya pengajar kursus ini yang dapat menilai esai."))
    item = next((i for i in review_items(context) if i.question.question_id == question_id), None)
    if item is None or item.presented["type"] != "essay":
        raise NotFound(_("Soal tidak ditemukan dalam percobaan ini."))
    form = GradeForm(score=item.score if item.score is not None else None, comment=item.comment)
    if form.validate_on_submit():
        try:
            attempts.grade_essay(
                current_user, attempt_id, question_id, form.score.data or Decimal(0), form.comment.data
            )
        except Invalid as error:
            db.session.rollback()
            form.score.errors = [(error.fields or {}).get("score", error.message)]
        else:
            db.session.commit()
            flash(_("Nilai esai disimpan."), "success")
            return redirect(url_for("quizzes.results", quiz_id=context.quiz.id))
    return render_template("quizzes/grade.html", context=context, item=item, form=form)
