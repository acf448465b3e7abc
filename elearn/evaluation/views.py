"""Pages: a course's feedback survey and its results; training-needs surveys (answer, publish, rank,
export, link courses)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from elearn.enrolment.services import actor_of
from elearn.errors import Invalid
from elearn.evaluation import needs, needs_report, queries
from elearn.evaluation.models import NEEDS_METHODS, RELEASE_SIZE
from elearn.evaluation.results import csv_response, likert_labels, survey_results
from elearn.evaluation.surveys import answer_survey, survey_form
from elearn.extensions import db

bp = Blueprint("evaluation", __name__)
MAX_ITEM_ID = 2**31 - 1


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "needs_method_labels": {
            "e-learning": _("E-learning"),
            "klasikal": _("Klasikal (tatap muka)"),
            "coaching": _("Coaching"),
            "mentoring": _("Mentoring"),
            "magang": _("Magang"),
        }
    }


def given_answers(form: Any) -> dict[int, list[str]]:
    """Each ``item-<id>`` field's values by item id (a malformed name counts as an unknown item)."""
    given: dict[int, list[str]] = {}
    for key in form:
        if not key.startswith("item-"):
            continue
        suffix = key.removeprefix("item-")
        item_id = int(suffix) if suffix.isascii() and suffix.isdigit() and len(suffix) <= 10 else -1
        given[item_id if 0 < item_id <= MAX_ITEM_ID else -1] = form.getlist(key)
    return given


@bp.route("/courses/<code>/survey", methods=["GET", "POST"])
@login_required
def survey(code: str) -> Any:
    """The course's feedback survey: the form (a learner who completed the course), a thank-you
    (answered), or a preview (the course's staff)."""
    form = survey_form(current_user, code)
    errors: dict[str, str] = {}
    given: dict[int, list[str]] = {}
    status = 200
    if request.method == "POST":
        given = given_answers(request.form)
        try:
            certificate = answer_survey(current_user, code, given, form=form)
        except Invalid as error:
            db.session.rollback()
            errors, status = error.fields or {}, 422
        else:
            db.session.commit()
            flash(_("Terima kasih. Jawaban Anda tersimpan tanpa nama."), "success")
            if certificate is not None:
                flash(_("Sertifikat Anda sudah terbit."), "success")
            return redirect(url_for("catalogue.course", code=form.course.code))
    page = render_template(
        "evaluation/survey.html", form=form, errors=errors, given=given, likert_labels=likert_labels()
    )
    return page, status


@bp.get("/courses/<code>/survey/results")
@login_required
def results(code: str) -> Any:
    """Aggregates of the course's survey (its instructors and admins: the whole course; a
    coordinator: their units), shown only from five released responses on."""
    found = survey_results(actor_of(current_user), code)
    return render_template("evaluation/results.html", results=found, threshold=RELEASE_SIZE)


@bp.get("/courses/<code>/survey/results.csv")
@login_required
def results_csv(code: str) -> Response:
    """The same aggregates as CSV (only the header below the threshold)."""
    return csv_response(survey_results(actor_of(current_user), code))


@bp.get("/needs")
@login_required
def needs_index() -> Any:
    """Needs surveys waiting for the caller's answer, and (coordinators, admins) the ones they manage."""
    actor = actor_of(current_user)
    return render_template(
        "evaluation/needs_index.html",
        waiting=queries.surveys_for(current_user),
        managed=queries.managed_surveys(actor) if needs.publishes(actor) else None,
    )


@bp.route("/needs/new", methods=["GET", "POST"])
@login_required
def needs_new() -> Any:
    """Publish a needs survey to a unit subtree (coordinators: within theirs; admins)."""
    from elearn.evaluation.forms import NeedsSurveyForm

    actor = actor_of(current_user)
    needs.check_publishes(actor)
    form = NeedsSurveyForm(unit=actor.unit_path or "")
    status = 200
    if form.validate_on_submit():
        try:
            survey = needs.publish(actor, form.draft())
        except Invalid as error:
            db.session.rollback()
            form.apply(error)
            status = 422
        else:
            db.session.commit()
            flash(_("Survei kebutuhan diterbitkan."), "success")
            return redirect(url_for("evaluation.needs_survey", survey_id=survey.id))
    elif request.method == "POST":
        status = 422
    return render_template("evaluation/needs_new.html", form=form), status


@bp.get("/needs/<int:survey_id>")
@login_required
def needs_survey(survey_id: int) -> Any:
    """The needs ranked per competency type and per unit, with the courses linked to each need."""
    report = needs_report.needs_report(actor_of(current_user), survey_id)
    return render_template("evaluation/needs_report.html", report=report, methods=NEEDS_METHODS)


@bp.get("/needs/<int:survey_id>/export.<any(csv, xlsx):kind>")
@login_required
def needs_export(survey_id: int, kind: str) -> Response:
    """The ranked needs as CSV or XLSX."""
    return needs_report.export(actor_of(current_user), survey_id, kind)


@bp.post("/needs/<int:survey_id>/links")
@login_required
def needs_link(survey_id: int) -> Any:
    """Link a need (a topic) to an existing course that answers it, or unlink it."""
    topic = request.form.get("topic", type=int) or 0
    code = request.form.get("course", "")
    try:
        if request.form.get("action") == "unlink":
            needs.unlink_course(actor_of(current_user), survey_id, topic, code)
        else:
            needs.link_course(actor_of(current_user), survey_id, topic, code)
    except Invalid as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Tautan kursus disimpan."), "success")
    return redirect(url_for("evaluation.needs_survey", survey_id=survey_id) + f"#topik-{topic}")


@bp.post("/needs/<int:survey_id>/close")
@login_required
def needs_close(survey_id: int) -> Any:
    """Close a needs survey before its window ends."""
    needs.close(actor_of(current_user), survey_id)
    db.session.commit()
    flash(_("Survei kebutuhan ditutup."), "success")
    return redirect(url_for("evaluation.needs_survey", survey_id=survey_id))


@bp.route("/needs/<int:survey_id>/answer", methods=["GET", "POST"])
@login_required
def needs_answer(survey_id: int) -> Any:
    """Answer a needs survey of one's unit (answering again within the window replaces the answer)."""
    form = needs.answer_form(current_user, survey_id)
    errors: dict[str, str] = {}
    values: dict[str, Any] = form.values()
    status = 200
    if request.method == "POST":
        values = needs.form_values(request.form)
        try:
            needs.answer(current_user, survey_id, values)
        except Invalid as error:
            db.session.rollback()
            errors, status = error.fields or {}, 422
        else:
            db.session.commit()
            flash(_("Terima kasih. Jawaban Anda tersimpan."), "success")
            return redirect(url_for("evaluation.needs_index"))
    return render_template(
        "evaluation/needs_answer.html", form=form, values=values, errors=errors, methods=NEEDS_METHODS
    ), status
