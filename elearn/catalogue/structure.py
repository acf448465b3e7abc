"""The course structure every hot path reads, kept per process under the content revision.

Courses, modules, lessons (without bodies), quizzes and media (without bytes) of every live course
change only when content is loaded, yet every catalogue, outline and lesson request needs them.
Each app process keeps one immutable ``Snapshot`` of them, rebuilt (five queries) the first time
a request sees a newer ``content`` revision: a load is seen at once by every server, and nothing
person-specific is ever in it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from elearn.catalogue.models import Course, Lesson, MediaFile, Module
from elearn.core.revisions import CONTENT, current
from elearn.extensions import db
from elearn.quizzes.models import Quiz


@dataclass(frozen=True)
class CourseInfo:
    """A live course's settings (the attribute names of ``Course``, so pages read either)."""

    id: int
    code: str
    title: str
    summary: str
    description_html: str
    jp: int
    competency: str
    level: str
    language: str
    enrolment: str
    enrolment_key_env: str | None
    is_sequential: bool
    has_certificate: bool
    instructors: tuple[str, ...]
    tags: tuple[str, ...]
    opens_on: dt.date | None
    closes_on: dt.date | None
    search_text: str
    discussion: str = "course"  # course | lessons | off


@dataclass(frozen=True)
class ModuleRow:
    """A module as the outline needs it."""

    id: int
    slug: str
    title: str
    position: int
    is_optional: bool


@dataclass(frozen=True)
class ItemRow:
    """A lesson or quiz as the outline needs it (no lesson body)."""

    type: str  # "lesson" | "quiz"
    id: int
    module_id: int
    slug: str
    title: str
    position: int
    is_optional: bool
    minutes: int | None = None
    content_hash: str = ""
    role: str = ""  # a quiz's "pretest" or "posttest"


@dataclass(frozen=True)
class MediaInfo:
    """A media file's identity (its bytes stay in the database)."""

    id: int
    sha256: str
    content_type: str


@dataclass(frozen=True)
class CourseStructure:
    """One live course: settings, live modules and items in order, media, and what counts."""

    course: CourseInfo
    modules: tuple[ModuleRow, ...]
    items: tuple[ItemRow, ...]
    media: Mapping[str, MediaInfo]
    required_lessons: frozenset[int]
    required_quizzes: frozenset[int]

    @property
    def lesson_count(self) -> int:
        """Live lessons of live modules."""
        return sum(1 for item in self.items if item.type == "lesson")

    @property
    def quiz_count(self) -> int:
        """Live quizzes of live modules."""
        return sum(1 for item in self.items if item.type == "quiz")

    @property
    def required_count(self) -> int:
        """Items that count towards percent and completion."""
        return len(self.required_lessons) + len(self.required_quizzes)

    def done_count(self, lessons_done: set[int] | frozenset[int], quizzes_passed: set[int] | frozenset[int]) -> int:
        """Required items a learner has done."""
        return len(self.required_lessons & lessons_done) + len(self.required_quizzes & quizzes_passed)


@dataclass(frozen=True)
class Snapshot:
    """Every live course's structure as of one content revision."""

    revision: int
    courses: tuple[CourseStructure, ...]  # by title, then code
    by_code: Mapping[str, CourseStructure] = field(default_factory=dict)
    by_id: Mapping[int, CourseStructure] = field(default_factory=dict)
    course_of_lesson: Mapping[int, int] = field(default_factory=dict)
    course_of_quiz: Mapping[int, int] = field(default_factory=dict)
    instructors: frozenset[str] = frozenset()

    def teaches_any(self, username: str) -> bool:
        """Whether a live course names ``username`` among its instructors."""
        return username.lower() in self.instructors


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def snapshot() -> Snapshot:
    """The structure as of this request's content revision (rebuilt when a load bumped it)."""
    global _snapshot
    revision = current(CONTENT)
    known = _snapshot
    if known is not None and known.revision == revision:
        return known
    with _lock:
        if _snapshot is None or _snapshot.revision != revision:
            _snapshot = _build(revision)
        return _snapshot


def live_structure(code: str) -> CourseStructure:
    """The live course ``code`` (any letter case) from the cached structure, else ``NotFound``."""
    from flask_babel import gettext as _

    from elearn.errors import NotFound

    found = snapshot().by_code.get(code.strip().upper()) if len(code) <= 64 else None
    if found is None:
        raise NotFound(_("Kursus tidak ditemukan."))
    return found


def forget() -> None:
    """Drop this process's snapshot (tests that change rows behind the loader's back)."""
    global _snapshot
    with _lock:
        _snapshot = None


def _build(revision: int) -> Snapshot:
    courses = db.session.execute(
        select(
            Course.id,
            Course.code,
            Course.title,
            Course.summary,
            Course.description_html,
            Course.jp,
            Course.competency,
            Course.level,
            Course.language,
            Course.enrolment,
            Course.enrolment_key_env,
            Course.is_sequential,
            Course.has_certificate,
            Course.instructors,
            Course.tags,
            Course.opens_on,
            Course.closes_on,
            Course.search_text,
            Course.discussion,
        )
        .where(Course.archived_at.is_(None))
        .order_by(Course.title, Course.code)
    ).all()
    infos = [
        CourseInfo(
            id=row.id,
            code=row.code,
            title=row.title,
            summary=row.summary,
            description_html=row.description_html,
            jp=row.jp,
            competency=row.competency,
            level=row.level,
            language=row.language,
            enrolment=row.enrolment,
            enrolment_key_env=row.enrolment_key_env,
            is_sequential=row.is_sequential,
            has_certificate=row.has_certificate,
            instructors=tuple(row.instructors or ()),
            tags=tuple(row.tags or ()),
            opens_on=row.opens_on,
            closes_on=row.closes_on,
            search_text=row.search_text,
            discussion=row.discussion,
        )
        for row in courses
    ]
    live = {info.id for info in infos}
    modules: dict[int, list[ModuleRow]] = {course_id: [] for course_id in live}
    module_course: dict[int, int] = {}
    optional_modules: set[int] = set()
    for m in db.session.execute(
        select(Module.course_id, Module.id, Module.slug, Module.title, Module.position, Module.is_optional)
        .where(Module.archived_at.is_(None))
        .order_by(Module.position)
    ):
        if m.course_id in live:
            modules[m.course_id].append(ModuleRow(m.id, m.slug, m.title, m.position, m.is_optional))
            module_course[m.id] = m.course_id
            if m.is_optional:
                optional_modules.add(m.id)
    items: dict[int, list[ItemRow]] = {course_id: [] for course_id in live}
    for lesson in db.session.execute(
        select(
            Lesson.id,
            Lesson.module_id,
            Lesson.slug,
            Lesson.title,
            Lesson.position,
            Lesson.is_optional,
            Lesson.minutes,
            Lesson.content_hash,
        ).where(Lesson.archived_at.is_(None))
    ):
        if lesson.module_id in module_course:
            items[module_course[lesson.module_id]].append(
                ItemRow(
                    "lesson",
                    lesson.id,
                    lesson.module_id,
                    lesson.slug,
                    lesson.title,
                    lesson.position,
                    lesson.is_optional,
                    lesson.minutes,
                    lesson.content_hash,
                )
            )
    for quiz in db.session.execute(
        select(Quiz.id, Quiz.module_id, Quiz.slug, Quiz.title, Quiz.position, Quiz.is_optional, Quiz.role).where(
            Quiz.archived_at.is_(None)
        )
    ):
        if quiz.module_id in module_course:
            items[module_course[quiz.module_id]].append(
                ItemRow(
                    "quiz",
                    quiz.id,
                    quiz.module_id,
                    quiz.slug,
                    quiz.title,
                    quiz.position,
                    quiz.is_optional,
                    role=quiz.role or "",
                )
            )
    media: dict[int, dict[str, MediaInfo]] = {course_id: {} for course_id in live}
    for file in db.session.execute(
        select(MediaFile.course_id, MediaFile.path, MediaFile.id, MediaFile.sha256, MediaFile.content_type).where(
            MediaFile.archived_at.is_(None)
        )
    ):
        if file.course_id in live:
            media[file.course_id][file.path] = MediaInfo(file.id, file.sha256, file.content_type)
    return _assemble(revision, infos, modules, items, media, optional_modules)


def _assemble(
    revision: int,
    infos: list[CourseInfo],
    modules: dict[int, list[ModuleRow]],
    items: dict[int, list[ItemRow]],
    media: dict[int, dict[str, MediaInfo]],
    optional_modules: set[int],
) -> Snapshot:
    structures = []
    for info in infos:
        ordered = sorted(items[info.id], key=lambda item: (item.position, item.type))
        position = {module.id: module.position for module in modules[info.id]}
        ordered.sort(key=lambda item: position[item.module_id])  # stable: module order, then item order

        required = {
            kind: frozenset(
                item.id
                for item in ordered
                if item.type == kind and not item.is_optional and item.module_id not in optional_modules
            )
            for kind in ("lesson", "quiz")
        }
        structures.append(
            CourseStructure(
                course=info,
                modules=tuple(modules[info.id]),
                items=tuple(ordered),
                media=media[info.id],
                required_lessons=required["lesson"],
                required_quizzes=required["quiz"],
            )
        )
    return Snapshot(
        revision=revision,
        courses=tuple(structures),
        by_code={s.course.code: s for s in structures},
        by_id={s.course.id: s for s in structures},
        course_of_lesson={i.id: s.course.id for s in structures for i in s.items if i.type == "lesson"},
        course_of_quiz={i.id: s.course.id for s in structures for i in s.items if i.type == "quiz"},
        instructors=frozenset(name.lower() for s in structures for name in s.course.instructors),
    )
