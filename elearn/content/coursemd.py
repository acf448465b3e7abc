"""``course.md`` and ``module.md``: their keys (content-format.md section 2) and specs."""

from __future__ import annotations

from typing import cast

from elearn.content.frontmatter import FrontMatter, Key, Schema
from elearn.content.issues import IssueList
from elearn.content.specs import (
    COMPETENCIES,
    DISCUSSION_MODES,
    ENROLMENT_MODES,
    LANGUAGES,
    LEVELS,
    Competency,
    CourseSpec,
    DiscussionMode,
    EnrolmentMode,
    Language,
    Level,
    MediaSpec,
    ModuleSpec,
    SurveySpec,
)

COURSE_SCHEMA: Schema = {
    "code": Key(
        "pattern",
        required=True,
        pattern=r"[A-Z0-9][A-Z0-9-]{1,31}",
        hint="2 to 32 capital letters, digits or dashes, not starting with a dash",
    ),
    "title": Key("string", required=True),
    "summary": Key("string", default=""),
    "jp": Key("integer", required=True, minimum=1, maximum=200),
    "competency": Key("choice", required=True, choices=COMPETENCIES),
    "level": Key("choice", default="dasar", choices=LEVELS),
    "language": Key("choice", default="id", choices=LANGUAGES),
    "enrolment": Key("choice", default="open", choices=ENROLMENT_MODES),
    "enrolment_key_env": Key(
        "pattern", pattern=r"[A-Za-z_][A-Za-z0-9_]*", hint="the name of an environment variable, e.g. KEY_ASN"
    ),
    "sequential": Key("boolean", default=True),
    "certificate": Key("boolean", default=True),
    "instructors": Key("strings", default=()),
    "tags": Key("strings", default=()),
    "opens": Key("date"),
    "closes": Key("date"),
    "discussion": Key("choice", default="course", choices=DISCUSSION_MODES),
}
MODULE_SCHEMA: Schema = {"title": Key("string"), "optional": Key("boolean", default=False)}


def check_course_rules(front: FrontMatter, issues: IssueList) -> None:
    """Rules between course.md keys: a key enrolment names its variable; closes not before opens."""
    if front.text("enrolment") == "key" and front.text("enrolment_key_env") is None:
        issues.add(
            front.line("enrolment"),
            "'enrolment: key' needs 'enrolment_key_env' (the name of an environment variable holding the key)",
        )
    opens, closes = front.date("opens"), front.date("closes")
    if opens is not None and closes is not None and closes < opens:
        issues.add(front.line("closes"), f"'closes' ({closes}) is before 'opens' ({opens})")


def course_spec(
    front: FrontMatter,
    description: str,
    modules: list[ModuleSpec],
    media: list[MediaSpec],
    path: str,
    survey: SurveySpec | None = None,
) -> CourseSpec:
    """The course spec from checked course.md front matter and the parts built from the tree."""
    return CourseSpec(
        code=front.text("code") or "",
        title=front.text("title") or "",
        summary=front.text("summary") or "",
        jp=front.integer("jp") or 0,
        competency=cast(Competency, front.text("competency") or "teknis"),
        level=cast(Level, front.text("level")),
        language=cast(Language, front.text("language")),
        enrolment=cast(EnrolmentMode, front.text("enrolment")),
        enrolment_key_env=front.text("enrolment_key_env"),
        sequential=front.flag("sequential"),
        certificate=front.flag("certificate"),
        instructors=front.strings("instructors"),
        tags=front.strings("tags"),
        opens=front.date("opens"),
        closes=front.date("closes"),
        description_html=description,
        modules=tuple(modules),
        media=tuple(media),
        path=path,
        discussion=cast(DiscussionMode, front.text("discussion")),
        survey=survey,
    )


def module_title(slug: str) -> str:
    """A module's default title: its slug, dashes to spaces, first letter capitalised."""
    words = slug.replace("-", " ")
    return words[:1].upper() + words[1:]
