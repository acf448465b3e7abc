"""The needs of a needs survey, ranked: over all respondents, per competency type and per unit.

A topic's need is the mean of its ratings (1-5); ties go to the larger share of people who rated
it 4 or 5, then to the topic's place in the survey. Units are the respondents' units when they
answered. Aggregated in SQL, a fixed number of queries whatever the number of answers; free-text
answers are listed without names, in an order that follows their text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import Response, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from elearn.accounts.models import Unit, User
from elearn.accounts.queries import in_subtree
from elearn.catalogue.models import Course
from elearn.catalogue.policy import Actor
from elearn.catalogue.structure import CourseInfo, snapshot
from elearn.content.specs import COMPETENCIES
from elearn.enrolment.services import enrolment_today
from elearn.evaluation.answers import text_order
from elearn.evaluation.models import NeedsRating, NeedsResponse, NeedsSurvey, NeedsTopic, NeedsTopicCourse
from elearn.evaluation.needs import is_open, managed
from elearn.extensions import db
from elearn.reports.exports import Cell, csv_stream, file_chunks, xlsx_file

ALL_UNITS = "(semua unit)"
NO_UNIT = "(tanpa unit)"
MAX_COMMENTS = 500


@dataclass
class Need:
    """A topic's standing in some group of respondents."""

    topic: NeedsTopic
    respondents: int = 0
    total: int = 0
    high: int = 0  # ratings of 4 or 5
    rank: int = 0

    @property
    def mean(self) -> float | None:
        """The mean rating, two decimals."""
        return round(self.total / self.respondents, 2) if self.respondents else None

    @property
    def high_percent(self) -> float | None:
        """Percent of respondents who rated it 4 or 5."""
        return round(100 * self.high / self.respondents, 1) if self.respondents else None


def ranked(needs: list[Need]) -> list[Need]:
    """Highest need first; each gets its rank (1 = most needed)."""
    order = sorted(needs, key=lambda n: (-(n.mean or 0), -(n.high_percent or 0), n.topic.position))
    for rank, need in enumerate(order, start=1):
        need.rank = rank
    return order


@dataclass
class NeedsReport:
    """A needs survey's results for its coordinator."""

    survey: NeedsSurvey
    unit: str
    is_open: bool
    topics: list[NeedsTopic]
    responses: int
    asked: int  # active people in the survey's units
    overall: list[Need]
    by_competency: dict[str, list[Need]]
    by_unit: list[tuple[str, int, list[Need]]]  # unit, respondents, needs
    methods: Counter[str]
    comments: list[str]
    links: dict[int, list[CourseInfo]] = field(default_factory=dict)
    courses: list[CourseInfo] = field(default_factory=list)


def _aggregates(survey_id: int) -> dict[tuple[str, int], tuple[int, int, int]]:
    """(unit path, topic id) -> (respondents, sum of ratings, ratings of 4 or 5)."""
    rows = db.session.execute(
        select(
            Unit.path,
            NeedsRating.topic_id,
            func.count(),
            func.sum(NeedsRating.rating),
            func.sum(case((NeedsRating.rating >= 4, 1), else_=0)),
        )
        .select_from(NeedsRating)
        .join(NeedsResponse, NeedsResponse.id == NeedsRating.response_id)
        .outerjoin(Unit, Unit.id == NeedsResponse.unit_id)
        .where(NeedsResponse.survey_id == survey_id)
        .group_by(Unit.path, NeedsRating.topic_id)
    ).all()
    return {(path or NO_UNIT, topic): (int(n), int(total or 0), int(high or 0)) for path, topic, n, total, high in rows}


def needs_report(actor: Actor, survey_id: int) -> NeedsReport:
    """The ranked needs of a survey the actor manages (a fixed number of queries)."""
    survey, unit = managed(actor, survey_id)
    topics = list(
        db.session.scalars(select(NeedsTopic).where(NeedsTopic.survey_id == survey.id).order_by(NeedsTopic.position))
    )
    aggregates = _aggregates(survey.id)
    respondents_by_unit, methods, comments = _respondents(survey.id)
    overall = {topic.id: Need(topic) for topic in topics}
    units: dict[str, dict[int, Need]] = defaultdict(lambda: {t.id: Need(t) for t in topics})
    for (path, topic_id), (n, total, high) in aggregates.items():
        if topic_id in overall:
            for need in (overall[topic_id], units[path][topic_id]):
                need.respondents += n
                need.total += total
                need.high += high
    ordered = ranked(list(overall.values()))
    by_competency = {c: ranked([_copy(n) for n in ordered if n.topic.competency == c]) for c in COMPETENCIES}
    by_unit = [(path, respondents_by_unit[path], ranked(list(units[path].values()))) for path in sorted(units)]
    return NeedsReport(
        survey=survey,
        unit=unit,
        is_open=is_open(survey, enrolment_today()),
        topics=topics,
        responses=sum(respondents_by_unit.values()),
        asked=_asked_count(unit),
        overall=ordered,
        by_competency={c: needs for c, needs in by_competency.items() if needs},
        by_unit=by_unit,
        methods=methods,
        comments=text_order(comments)[:MAX_COMMENTS],
        links=_links([topic.id for topic in topics]),
        courses=[structure.course for structure in snapshot().courses],
    )


def _respondents(survey_id: int) -> tuple[Counter[str], Counter[str], list[str]]:
    """Respondents per unit, the methods they chose and their free text (one query)."""
    by_unit: Counter[str] = Counter()
    methods: Counter[str] = Counter()
    comments: list[str] = []
    for path, method, comment in db.session.execute(
        select(Unit.path, NeedsResponse.method, NeedsResponse.comment)
        .outerjoin(Unit, Unit.id == NeedsResponse.unit_id)
        .where(NeedsResponse.survey_id == survey_id)
    ):
        by_unit[path or NO_UNIT] += 1
        methods[method] += 1
        if comment:
            comments.append(comment)
    return by_unit, methods, comments


def _copy(need: Need) -> Need:
    """The same standing, ranked again within a smaller group."""
    return Need(need.topic, need.respondents, need.total, need.high)


def _asked_count(unit: str) -> int:
    query = (
        select(func.count(User.id))
        .join(Unit, Unit.id == User.unit_id)
        .where(User.is_active.is_(True), in_subtree(unit))
    )
    return int(db.session.scalar(query) or 0)


def _links(topic_ids: list[int]) -> dict[int, list[CourseInfo]]:
    """The live courses linked to each topic, by title."""
    live = snapshot().by_id
    found: dict[int, list[CourseInfo]] = defaultdict(list)
    rows = db.session.execute(
        select(NeedsTopicCourse.topic_id, NeedsTopicCourse.course_id)
        .join(Course, Course.id == NeedsTopicCourse.course_id)
        .where(NeedsTopicCourse.topic_id.in_(topic_ids))
    )
    for topic_id, course_id in rows:
        if course_id in live:
            found[topic_id].append(live[course_id].course)
    for courses in found.values():
        courses.sort(key=lambda course: (course.title, course.code))
    return found


EXPORT_HEADER = [
    "unit",
    "peringkat",
    "jenis_kompetensi",
    "topik",
    "responden",
    "rata_rata",
    "persen_perlu",
    "kursus_terkait",
]


def export_rows(report: NeedsReport) -> Iterator[list[Cell]]:
    """Every unit's ranking after the overall one, as rows of ``EXPORT_HEADER``."""
    groups = [(ALL_UNITS, report.overall)] + [(path, needs) for path, _n, needs in report.by_unit]
    for unit, needs in groups:
        for need in needs:
            linked = ", ".join(course.code for course in report.links.get(need.topic.id, []))
            yield [
                unit,
                need.rank,
                need.topic.competency,
                need.topic.title,
                need.respondents,
                need.mean,
                need.high_percent,
                linked,
            ]


def export(actor: Actor, survey_id: int, kind: str) -> Response:
    """The ranked needs as a CSV or XLSX attachment (formula-like text neutralised)."""
    report = needs_report(actor, survey_id)
    name = f"kebutuhan-{report.survey.id}"
    if kind == "xlsx":
        path = xlsx_file(_("Kebutuhan"), EXPORT_HEADER, export_rows(report))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = Response(file_chunks(path), mimetype=mimetype)
        name += ".xlsx"
    else:
        response = Response(stream_with_context(csv_stream(EXPORT_HEADER, export_rows(report))), mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        name += ".csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
