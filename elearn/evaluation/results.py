"""Feedback-survey results: aggregates only, released five responses at a time.

An instructor of the course (or an admin) sees the whole course; a coordinator sees the responses
of people in their unit subtree. Either way only *released* responses count: whole groups of
``RELEASE_SIZE`` numbered when they were stored (over the whole course, or within each unit for a
coordinator), so nothing is shown below five responses, a unit with fewer than five responses adds
nothing to a coordinator's view, and the page changes only by five responses at a time: comparing
it before and after one person answers never isolates their answers. Free-text answers are listed
in an order that follows their text (``answers.text_order``), never when they were written.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
from flask import Response
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, func, select

from elearn.accounts.models import Unit
from elearn.accounts.queries import NO_UNIT, in_subtree
from elearn.catalogue.policy import Actor, teaches
from elearn.catalogue.structure import CourseInfo, live_structure
from elearn.errors import Forbidden, NotFound
from elearn.evaluation.answers import LIKERT_POINTS, mean_of, released, text_order
from elearn.evaluation.models import RELEASE_SIZE, WHOLE_COURSE, SurveyAnswer, SurveyCounter, SurveyResponse
from elearn.evaluation.surveys import LiveSurvey, SurveyItemView, live_survey
from elearn.extensions import db
from elearn.reports.exports import Cell, csv_stream

MAX_TEXTS = 1000  # free-text answers listed per item


@dataclass(frozen=True)
class OptionCount:
    """How many released responses chose one option (or one point of a Likert scale)."""

    label_html: str
    count: int
    percent: float | None


@dataclass(frozen=True)
class ItemResult:
    """One item's aggregate: answers, their distribution, the mean (Likert) or the texts (free text)."""

    item: SurveyItemView
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SurveyResults:
    """What a results page shows: nothing at all until ``released`` reaches ``RELEASE_SIZE``."""

    course: CourseInfo
    survey: LiveSurvey
    scope: str | None  # a coordinator's unit subtree; None: the whole course
    released: int
    items: list[ItemResult]
    units: list[tuple[str, int]] = field(default_factory=list)  # a coordinator's units with released responses

    @property
    def shown(self) -> bool:
        """Enough responses are released to show anything."""
        return self.released >= RELEASE_SIZE


def results_scope(actor: Actor, instructors: Sequence[str]) -> str | None:
    """The responses an actor sees: None for the whole course (its instructors, admins), a unit
    subtree for a coordinator; anyone else is refused."""
    if actor.is_admin or teaches(actor, instructors):
        return None
    if actor.is_coordinator:
        return actor.unit_path or NO_UNIT  # a coordinator without a unit sees nobody
    raise Forbidden(_("Anda tidak berhak melihat hasil survei kursus ini."))


def likert_labels() -> tuple[str, ...]:
    """The default labels of the five points."""
    return (_("Sangat tidak setuju"), _("Tidak setuju"), _("Ragu-ragu"), _("Setuju"), _("Sangat setuju"))


def _in_units(scope: str) -> ColumnElement[bool]:
    return in_subtree(scope)


def _visible(survey_id: int, scope: str | None) -> tuple[Select[Any], int, list[tuple[str, int]]]:
    """The released responses' ids (a subquery to filter by), how many they are, and per unit."""
    if scope is None:
        count = db.session.scalar(
            select(SurveyCounter.count).where(
                SurveyCounter.survey_id == survey_id, SurveyCounter.unit_id == WHOLE_COURSE
            )
        )
        batches = (count or 0) // RELEASE_SIZE
        ids = select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id, SurveyResponse.batch < batches)
        return ids, released(count or 0, RELEASE_SIZE), []
    unit_released = (
        select(SurveyResponse.id, Unit.path)
        .join(Unit, Unit.id == SurveyResponse.unit_id)
        .join(
            SurveyCounter,
            and_(SurveyCounter.survey_id == SurveyResponse.survey_id, SurveyCounter.unit_id == SurveyResponse.unit_id),
        )
        .where(
            SurveyResponse.survey_id == survey_id,
            _in_units(scope),
            SurveyResponse.unit_batch < SurveyCounter.count // RELEASE_SIZE,
        )
    )
    released_rows = unit_released.subquery()
    per_unit = db.session.execute(select(released_rows.c.path, func.count()).group_by(released_rows.c.path)).all()
    units = sorted((str(path), int(n)) for path, n in per_unit)
    ids = select(released_rows.c.id)
    return ids, sum(n for _path, n in units), units


def survey_results(actor: Actor, code: str) -> SurveyResults:
    """The aggregates of course ``code``'s survey that ``actor`` may see (a constant number of queries)."""
    course = live_structure(code).course
    scope = results_scope(actor, course.instructors)
    survey = live_survey(course.id)
    if survey is None:
        raise NotFound(_("Kursus ini tidak memiliki survei."))
    ids, count, units = _visible(survey.id, scope)
    if count < RELEASE_SIZE:  # below the threshold nothing is read, let alone shown
        return SurveyResults(course, survey, scope, 0, [], [])
    versions = [item.version_id for item in survey.items]
    choices: dict[int, dict[int, int]] = defaultdict(dict)
    for version_id, choice, n in db.session.execute(
        select(SurveyAnswer.item_version_id, SurveyAnswer.choice, func.count())
        .where(SurveyAnswer.response_id.in_(ids), SurveyAnswer.item_version_id.in_(versions))
        .where(SurveyAnswer.text.is_(None))
        .group_by(SurveyAnswer.item_version_id, SurveyAnswer.choice)
    ):
        choices[version_id][choice] = int(n)
    answered = dict(
        db.session.execute(
            select(SurveyAnswer.item_version_id, func.count(func.distinct(SurveyAnswer.response_id)))
            .where(SurveyAnswer.response_id.in_(ids), SurveyAnswer.item_version_id.in_(versions))
            .group_by(SurveyAnswer.item_version_id)
        ).all()
    )
    texts: dict[int, list[str]] = defaultdict(list)
    for version_id, text in db.session.execute(
        select(SurveyAnswer.item_version_id, SurveyAnswer.text).where(
            SurveyAnswer.response_id.in_(ids),
            SurveyAnswer.item_version_id.in_(versions),
            SurveyAnswer.text.is_not(None),
        )
    ):
        texts[version_id].append(str(text))
    items = [
        _item_result(item, choices[item.version_id], int(answered.get(item.version_id, 0)), texts)
        for item in survey.items
    ]
    return SurveyResults(course, survey, scope, count, items, units)


def _item_result(
    item: SurveyItemView, counts: dict[int, int], answered: int, texts: dict[int, list[str]]
) -> ItemResult:
    def share(n: int) -> float | None:
        return round(100 * n / answered, 1) if answered else None

    if item.kind == "text":
        return ItemResult(item, answered, texts=text_order(texts[item.version_id])[:MAX_TEXTS])
    if item.kind == "likert":
        labels = item.options or likert_labels()
        points = range(1, LIKERT_POINTS + 1)
        options = [
            OptionCount(f"{point} · {labels[point - 1]}", counts.get(point, 0), share(counts.get(point, 0)))
            for point in points
        ]
        return ItemResult(item, answered, options, mean=mean_of(counts))
    options = [
        OptionCount(label, counts.get(index, 0), share(counts.get(index, 0)))
        for index, label in enumerate(item.options)
    ]
    return ItemResult(item, answered, options)


def plain(fragment: str) -> str:
    """The text of an HTML fragment (for CSV cells)."""
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


CSV_HEADER = ["butir", "jenis", "pertanyaan", "jawaban", "jumlah", "persen", "rata_rata"]


def csv_rows(results: SurveyResults) -> Iterator[list[Cell]]:
    """The results as rows of ``CSV_HEADER`` (none at all below the threshold)."""
    if not results.shown:
        return
    for result in results.items:
        stem = plain(result.item.stem_html)
        position, kind = result.item.position, result.item.kind
        for text in result.texts:
            yield [position, kind, stem, text, None, None, None]
        for index, option in enumerate(result.options):
            mean = result.mean if index == 0 else None
            yield [position, kind, stem, plain(option.label_html), option.count, option.percent, mean]


def csv_response(results: SurveyResults) -> Response:
    """The results as a CSV attachment (only its header below the threshold)."""
    response = Response("".join(csv_stream(CSV_HEADER, csv_rows(results))), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="survei-{results.course.code}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
