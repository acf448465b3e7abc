"""Evaluation: course feedback surveys (anonymous) and training-needs surveys.

Feedback surveys are content (``*.survey.md``, loaded by ``content/sync.py``): ``Survey`` ->
``SurveyItem`` -> ``SurveyItemVersion``, versioned like quiz questions.

Their answers are anonymous by construction: a ``SurveyResponse`` holds no user id and no time,
and its id is random; whether someone has answered is a separate ``SurveySubmission`` row with no
link to the response. Responses carry only the respondent's unit and two *batch* numbers (drawn
from ``SurveyCounter`` rows), so results are released five responses at a time and comparing
a results page before and after one person answers never isolates that person's answers.
Both answer tables are ``WITHOUT ROWID`` on SQLite, so not even the storage order follows time.

Needs surveys (*analisis kebutuhan pengembangan kompetensi*) are written by coordinators in the
browser; their answers belong to the person (they appear in the person's own-data export).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import Base, IdMixin
from elearn.core.time import now

#: Results are shown in whole groups of this many responses, never fewer (anonymity threshold).
RELEASE_SIZE = 5
#: ``SurveyCounter.unit_id`` of the counter over the whole course.
WHOLE_COURSE = 0
NeedsMethod = Literal["e-learning", "klasikal", "coaching", "mentoring", "magang"]
#: The learning methods a needs survey asks people to prefer, defined once.
NEEDS_METHODS: tuple[NeedsMethod, ...] = get_args(NeedsMethod)


class Survey(IdMixin, Base):
    """A course's feedback survey; identity is its file's slug within the course."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    intro_html: Mapped[str] = mapped_column(Text, default="")
    #: The certificate waits until the learner has answered.
    is_required: Mapped[bool] = mapped_column(default=False)
    archived_at: Mapped[dt.datetime | None]


class SurveyItem(IdMixin, Base):
    """An item's identity in a survey; ``version`` is its current version number."""

    __tablename__ = "survey_items"
    __table_args__ = (UniqueConstraint("survey_id", "key"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    archived_at: Mapped[dt.datetime | None]


class SurveyItemVersion(IdMixin, Base):
    """One immutable version of an item (``SurveyItemSpec.content()``); answers point at it."""

    __tablename__ = "survey_item_versions"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("survey_items.id"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))


class SurveyResponse(Base):
    """One anonymous response: a random id, the respondent's unit and its release batches; no
    user, no time."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_survey_id_batch", "survey_id", "batch"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    #: The respondent's unit when they answered (coordinators see their units' results).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    #: Released (counted in results) once ``RELEASE_SIZE`` × (batch + 1) responses exist.
    batch: Mapped[int]
    #: The same within the respondent's unit.
    unit_batch: Mapped[int]


class SurveyAnswer(Base):
    """An answer of a response to one item version: a Likert point (1-5) or an option's index
    (one row per option ticked), or free text (``choice`` 0)."""

    __tablename__ = "survey_answers"
    __table_args__ = ({"sqlite_with_rowid": False},)

    response_id: Mapped[str] = mapped_column(ForeignKey("survey_responses.id"), primary_key=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("survey_item_versions.id"), primary_key=True, index=True)
    choice: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str | None] = mapped_column(Text)


class SurveySubmission(Base):
    """That a person has answered a survey (one response each), with no link to the response."""

    __tablename__ = "survey_submissions"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class SurveyCounter(Base):
    """How many responses a survey has, over the whole course (``unit_id`` 0) or one unit; drawn by
    an atomic upsert to number release batches."""

    __tablename__ = "survey_counters"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class NeedsSurvey(IdMixin, Base):
    """A training-needs survey a coordinator published to a unit subtree, open within a window."""

    __tablename__ = "needs_surveys"

    title: Mapped[str] = mapped_column(String(300))
    intro: Mapped[str] = mapped_column(Text, default="")
    #: Who is asked: the people of this unit and every unit below it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    opens_on: Mapped[dt.date]
    closes_on: Mapped[dt.date]
    #: Closed early by a coordinator (answers are taken only within the window and before this).
    closed_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class NeedsTopic(IdMixin, Base):
    """A competency or topic people rate how much they need (1-5)."""

    __tablename__ = "needs_topics"

    survey_id: Mapped[int] = mapped_column(ForeignKey("needs_surveys.id"), index=True)
    position: Mapped[int]
    competency: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))


class NeedsResponse(IdMixin, Base):
    """A person's answer to a needs survey (one each; answering again during the window updates it)."""

    __tablename__ = "needs_responses"
    __table_args__ = (UniqueConstraint("survey_id", "user_id"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("needs_surveys.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The person's unit when they answered: needs are ranked per unit.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    method: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime] = mapped_column(default=now)


class NeedsRating(Base):
    """How much a respondent needs one topic, 1 (not at all) to 5 (very much)."""

    __tablename__ = "needs_ratings"

    response_id: Mapped[int] = mapped_column(ForeignKey("needs_responses.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("needs_topics.id"), primary_key=True, index=True)
    rating: Mapped[int]


class NeedsTopicCourse(Base):
    """An existing course that answers a need (a topic)."""

    __tablename__ = "needs_topic_courses"

    topic_id: Mapped[int] = mapped_column(ForeignKey("needs_topics.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True, index=True)
