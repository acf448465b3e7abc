"""Typed, checked content: what the parsers produce and ``sync`` writes.

Everything here is a frozen value. HTML fields are already rendered and
sanitised. Numbers that must compare exactly (weights, numerical answers,
points, pass marks) are ``Decimal`` so that ``3.14 ± 0.01`` includes 3.13.

Lesson links inside ``html`` are written as ``/lessons/{{lesson:KEY}}``
(KEY is the target's identity key, see ``LessonSpec.key``); ``sync``
replaces the placeholder with the lesson's database id. Media links are
already final: ``/media/<COURSE-CODE>/<path>?v=<hash>``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any, Literal, TypeVar, get_args

# The content's words, each defined once (content-format.md); everything else derives from these.
QuestionType = Literal["single", "multiple", "truefalse", "short", "numerical", "matching", "essay"]
QUESTION_TYPE_NAMES: tuple[QuestionType, ...] = get_args(QuestionType)
Grading = Literal["highest", "average", "first", "last"]
GRADING_METHODS: tuple[Grading, ...] = get_args(Grading)
ReviewMode = Literal["immediately", "after_close", "never"]
REVIEW_MODES: tuple[ReviewMode, ...] = get_args(ReviewMode)
Competency = Literal["teknis", "manajerial", "sosial-kultural"]
COMPETENCIES: tuple[Competency, ...] = get_args(Competency)
Level = Literal["dasar", "menengah", "lanjut"]
LEVELS: tuple[Level, ...] = get_args(Level)
Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
EnrolmentMode = Literal["open", "key", "approval", "closed"]
ENROLMENT_MODES: tuple[EnrolmentMode, ...] = get_args(EnrolmentMode)
MultipleRule = Literal["count", "weights"]
QuizRole = Literal["pretest", "posttest"]
#: A quiz's part in measuring learning (Kirkpatrick level 2): taken before the lessons, or after them.
QUIZ_ROLES: tuple[QuizRole, ...] = get_args(QuizRole)
SurveyItemKind = Literal["likert", "single", "multiple", "text"]
#: The kinds of a course feedback survey's items (``*.survey.md``).
SURVEY_ITEM_KINDS: tuple[SurveyItemKind, ...] = get_args(SurveyItemKind)
DiscussionMode = Literal["course", "lessons", "off"]
#: Where a course holds discussions: one course thread, also one per lesson, or none.
DISCUSSION_MODES: tuple[DiscussionMode, ...] = get_args(DiscussionMode)
#: The points of a Likert item's scale.
LIKERT_POINTS = 5

#: The shape of ``QuestionSpec.content()`` written today, stored with every question version.
CONTENT_SCHEMA_VERSION = 1

LESSON_LINK_PREFIX = "/lessons/{{lesson:"
LESSON_LINK_SUFFIX = "}}"


def lesson_link_placeholder(key: str) -> str:
    """The href a lesson body carries for a link to lesson ``key``."""
    return f"{LESSON_LINK_PREFIX}{key}{LESSON_LINK_SUFFIX}"


@dataclass(frozen=True)
class Choice:
    """An option of a single, multiple or true/false question.

    ``weight`` is the share of the question's points the option earns:
    1 fully right, 0 wrong; GIFT allows partial and negative shares.
    True/false options carry ``key`` ``"true"`` or ``"false"`` and an empty
    ``html`` (they are shown in the course's language).
    """

    html: str
    weight: Decimal
    feedback_html: str = ""
    key: str = ""


@dataclass(frozen=True)
class TextAnswer:
    """An accepted short answer. With ``is_pattern`` (GIFT), ``*`` matches
    any run of characters and ``\\*`` is a literal star."""

    text: str
    weight: Decimal = Decimal(1)
    is_pattern: bool = False
    feedback_html: str = ""


@dataclass(frozen=True)
class NumberAnswer:
    """An accepted number: ``value ± tolerance``, or ``low..high`` (inclusive)."""

    low: Decimal
    high: Decimal
    value: Decimal | None = None
    tolerance: Decimal | None = None
    weight: Decimal = Decimal(1)
    feedback_html: str = ""


@dataclass(frozen=True)
class Pair:
    """A matching pair: the left item and the right item it matches."""

    left_html: str
    right_html: str


@dataclass(frozen=True)
class QuestionSpec:
    """One question, whatever its origin (Markdown quiz or GIFT bank).

    ``multiple_rule`` decides how a multiple-response question scores:
    ``"count"`` (Markdown: ``max(0, (right − wrong) / right_total)``) or
    ``"weights"`` (GIFT: chosen weights add up, clamped to ``[0, 1]``).
    ``stem_source`` is the stem as written, used for identity when the
    author gave no ``ident``.
    """

    type: QuestionType
    stem_html: str
    stem_source: str
    points: Decimal = Decimal(1)
    ident: str | None = None
    path: str = ""
    line: int = 1
    choices: tuple[Choice, ...] = ()
    multiple_rule: MultipleRule = "count"
    text_answers: tuple[TextAnswer, ...] = ()
    number_answers: tuple[NumberAnswer, ...] = ()
    pairs: tuple[Pair, ...] = ()
    distractors: tuple[str, ...] = ()
    general_feedback_html: str = ""
    other_feedback_html: str = ""
    title: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()

    def content(self) -> dict[str, Any]:
        """The JSON-friendly content of this question (no location fields)."""
        data: dict[str, Any] = to_plain(self)
        for name in ("ident", "path", "line"):
            data.pop(name)
        return data


@dataclass(frozen=True)
class MediaSpec:
    """A file under a course's ``media/`` folder."""

    path: str  # relative to media/, with forward slashes
    sha256: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class LessonSpec:
    """A lesson file. ``key`` is its identity in the course: the author's
    ``id`` when given, else ``<module-slug>/<slug>``."""

    key: str
    slug: str
    title: str
    minutes: int
    optional: bool
    position: int
    html: str
    source_hash: str
    path: str
    line: int = 1


@dataclass(frozen=True)
class QuizSpec:
    """A ``*.quiz.md`` file with its own and included questions."""

    slug: str
    title: str
    pass_percent: Decimal
    attempts: int
    time_limit: int | None
    grading: Grading
    shuffle: bool
    draw: int | None
    review: ReviewMode
    optional: bool
    position: int
    intro_html: str
    questions: tuple[QuestionSpec, ...]
    path: str
    line: int = 1
    role: QuizRole | None = None
    role_line: int = 1  # the file line of ``role:`` (for course-level checks)


Item = LessonSpec | QuizSpec


@dataclass(frozen=True)
class SurveyItemSpec:
    """One item of a feedback survey. ``options`` holds each choice's HTML (single, multiple) or
    the five labels of a Likert scale (empty: the default agreement labels). A free-text item is
    always optional; the others must be answered unless ``optional``."""

    kind: SurveyItemKind
    stem_html: str
    stem_source: str
    options: tuple[str, ...] = ()
    optional: bool = False
    ident: str | None = None
    path: str = ""
    line: int = 1

    def content(self) -> dict[str, Any]:
        """The JSON-friendly content of this item (no identity or location fields)."""
        return {
            "kind": self.kind,
            "stem_html": self.stem_html,
            "options": list(self.options),
            "optional": self.optional,
        }


@dataclass(frozen=True)
class SurveySpec:
    """A course's ``*.survey.md`` file: its feedback survey (Kirkpatrick level 1)."""

    slug: str
    title: str
    required: bool  # the certificate waits until the learner has answered
    intro_html: str
    items: tuple[SurveyItemSpec, ...]
    path: str


@dataclass(frozen=True)
class ModuleSpec:
    """A ``NN-slug`` folder of a course."""

    slug: str
    title: str
    position: int
    optional: bool
    intro_html: str
    items: tuple[Item, ...]
    path: str


@dataclass(frozen=True)
class CourseSpec:
    """A course folder: ``course.md`` settings, modules and media."""

    code: str
    title: str
    summary: str
    jp: int
    competency: Competency
    level: Level
    language: Language
    enrolment: EnrolmentMode
    enrolment_key_env: str | None
    sequential: bool
    certificate: bool
    instructors: tuple[str, ...]
    tags: tuple[str, ...]
    opens: dt.date | None
    closes: dt.date | None
    description_html: str
    modules: tuple[ModuleSpec, ...]
    media: tuple[MediaSpec, ...]
    path: str  # the course.md file, as displayed in messages
    discussion: DiscussionMode = "course"
    survey: SurveySpec | None = None


def to_plain(value: Any) -> Any:
    """Turn specs into JSON-friendly values: Decimal -> str, tuples -> lists."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    return value


_DECIMAL_FIELDS = {"points", "weight", "low", "high", "value", "tolerance"}
_NESTED: dict[str, type] = {
    "choices": Choice,
    "text_answers": TextAnswer,
    "number_answers": NumberAnswer,
    "pairs": Pair,
}
T = TypeVar("T")


def _from_plain(cls: type[T], data: dict[str, Any]) -> T:
    kwargs: dict[str, Any] = {}
    for name, raw in data.items():
        if name in _NESTED:
            kwargs[name] = tuple(_from_plain(_NESTED[name], item) for item in raw)
        elif name in _DECIMAL_FIELDS and raw is not None:
            kwargs[name] = Decimal(raw)
        elif isinstance(raw, list):
            kwargs[name] = tuple(raw)
        else:
            kwargs[name] = raw
    return cls(**kwargs)


def question_from_content(data: dict[str, Any]) -> QuestionSpec:
    """Rebuild a question from ``QuestionSpec.content()`` (as stored)."""
    return _from_plain(QuestionSpec, data)
