"""Write checked content into the database: the only pipeline module that touches the session.

Upserts by identity (course ``code``; module slug; lesson key; quiz slug in
its module; question key), archives what vanished from a loaded course, and
never touches learner data (enrolments, progress, attempts, grades). A
question whose content changed gets a new ``QuestionVersion``; attempts keep
pointing at the version they were taken with. Flushes, never commits.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy import select
from sqlalchemy.orm import defer

from elearn.catalogue.models import Course, CourseInstructor, Lesson, MediaFile, Module
from elearn.catalogue.search import refresh_search_index, search_document
from elearn.content.specs import CONTENT_SCHEMA_VERSION, CourseSpec, LessonSpec, ModuleSpec, QuestionSpec, QuizSpec
from elearn.core.revisions import CONTENT, bump
from elearn.core.time import now
from elearn.extensions import db
from elearn.quizzes.models import Question, QuestionVersion, Quiz

Outcome = Literal["created", "updated", "unchanged"]
ItemName = tuple[str, str]
"""An item as a preview names it: (kind, identity), e.g. ``("lesson", "modul-1/pelajaran-1")``;
kinds are ``course``, ``module``, ``lesson``, ``quiz`` and ``question``."""
_LESSON_LINK = re.compile(r"/lessons/\{\{lesson:([^}]*)\}\}")


@dataclass
class Tally:
    """Items created, updated, unchanged and archived by one load, with their names."""

    counts: Counter[str] = field(default_factory=Counter)
    names: dict[str, list[ItemName]] = field(default_factory=dict)

    def add(self, outcome: str, n: int = 1, name: ItemName | None = None) -> None:
        """Count ``n`` items with ``outcome`` (``name`` says which, when one is counted)."""
        self.counts[outcome] += n
        if name is not None:
            self.names.setdefault(outcome, []).append(name)

    def __iadd__(self, other: Tally) -> Tally:
        self.counts.update(other.counts)
        for outcome, names in other.names.items():
            self.names.setdefault(outcome, []).extend(names)
        return self

    def changed(self) -> int:
        """How many items were created, updated or archived."""
        return self.counts["created"] + self.counts["updated"] + self.counts["archived"]

    def line(self) -> str:
        """``N created, N updated, N unchanged, N archived``."""
        c = self.counts
        return f"{c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged, {c['archived']} archived"


@dataclass
class CourseReport:
    """What one course's load did (``touched``: anything written, counted items or not)."""

    code: str
    tally: Tally
    touched: bool = False


def _update(row: Any, desired: dict[str, Any]) -> bool:
    """Set ``desired`` attributes on ``row``; whether anything changed."""
    changed = False
    for name, value in desired.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _upsert(
    row: Any | None, model: type, desired: dict[str, Any], tally: Tally, name: ItemName | None = None
) -> tuple[Any, Outcome]:
    """Create ``model(**desired)`` or update ``row``; revive it if archived."""
    if row is None:
        row = model(**desired)
        db.session.add(row)
        tally.add("created", name=name)
        return row, "created"
    changed = _update(row, desired)
    if row.archived_at is not None:
        row.archived_at = None
        changed = True
    tally.add("updated" if changed else "unchanged", name=name)
    return row, "updated" if changed else "unchanged"


def _archive(
    rows: Iterable[Any], seen: set[int], tally: Tally | None, name_of: Callable[[Any], ItemName] | None = None
) -> None:
    """Archive every live row not seen in this load."""
    moment = now()
    for row in rows:
        if row.id not in seen and row.archived_at is None:
            row.archived_at = moment
            if tally is not None:
                tally.add("archived", name=name_of(row) if name_of is not None else None)


def sync_courses(courses: Sequence[CourseSpec]) -> list[CourseReport]:
    """Write every course; returns one report per course, in the given order.

    When anything changed, the content revision is bumped in the same transaction, so every
    running server sees the load at once (their cached course structures are rebuilt).
    """
    existing = {c.code: c for c in db.session.scalars(select(Course).where(Course.code.in_([s.code for s in courses])))}
    reports = [CourseSync(spec, existing.get(spec.code)).run() for spec in courses]
    if any(report.touched for report in reports):
        bump(CONTENT)
        refresh_search_index()
    return reports


class CourseSync:
    """Loads one course spec into the database."""

    def __init__(self, spec: CourseSpec, course: Course | None) -> None:
        self.spec = spec
        self.course = course
        self.tally = Tally()
        self.media_tally = Tally()  # media are not counted items, but a change must still be seen
        self.module_slugs: dict[int, str] = {}

    def run(self) -> CourseReport:
        """Upsert the course and everything in it; archive what vanished."""
        self.course, _outcome = _upsert(
            self.course, Course, self._course_fields(), self.tally, ("course", self.spec.code)
        )
        # What the course is found by follows its modules' and lessons' titles too; not counted as a
        # change of the course (a renamed lesson is one updated lesson), but seen: the index is refreshed.
        s = self.spec
        titles = [module.title for module in s.modules] + [
            item.title for module in s.modules for item in module.items if isinstance(item, LessonSpec)
        ]
        search_text = search_document(s.code, s.title, s.summary, s.tags, titles)
        search_changed = self.course.search_text != search_text
        if search_changed:
            self.course.search_text = search_text
        db.session.flush()
        self._sync_instructors()
        self._sync_media()
        modules = self._sync_modules()
        self._sync_lessons(modules)
        self._sync_quizzes(modules)
        from elearn.content.sync_surveys import sync_survey

        # Surveys are not counted items (content-format.md section 6), but a change must still be seen.
        sync_survey(self.course.id, self.spec.survey, self.media_tally)
        db.session.flush()
        written = ("created", "updated", "archived", "relinked")
        touched = search_changed or any(
            tally.counts[outcome] for tally in (self.tally, self.media_tally) for outcome in written
        )
        return CourseReport(self.spec.code, self.tally, touched=touched)

    def _course_fields(self) -> dict[str, Any]:
        s = self.spec
        return {
            "code": s.code,
            "title": s.title,
            "summary": s.summary,
            "description_html": s.description_html,
            "jp": s.jp,
            "competency": s.competency,
            "level": s.level,
            "language": s.language,
            "enrolment": s.enrolment,
            "enrolment_key_env": s.enrolment_key_env,
            "is_sequential": s.sequential,
            "has_certificate": s.certificate,
            "instructors": list(s.instructors),
            "tags": list(s.tags),
            "opens_on": s.opens,
            "closes_on": s.closes,
            "discussion": s.discussion,
        }

    def _sync_instructors(self) -> None:
        assert self.course is not None  # noqa: S101 - set by run()
        rows = db.session.scalars(select(CourseInstructor).where(CourseInstructor.course_id == self.course.id))
        current = {row.username: row for row in rows}
        wanted = {name.lower() for name in self.spec.instructors}
        for name, row in current.items():
            if name not in wanted:
                db.session.delete(row)
        for name in sorted(wanted - current.keys()):
            db.session.add(CourseInstructor(course_id=self.course.id, username=name))

    def _sync_media(self) -> None:
        assert self.course is not None  # noqa: S101 - set by run()
        rows = db.session.scalars(
            select(MediaFile).options(defer(MediaFile.data)).where(MediaFile.course_id == self.course.id)
        ).all()
        by_path = {row.path: row for row in rows}
        seen: set[int] = set()
        silent = self.media_tally  # media are not counted items (content-format.md section 6)
        for media in self.spec.media:
            desired = {
                "course_id": self.course.id,
                "path": media.path,
                "sha256": media.sha256,
                "content_type": media.content_type,
                "size": len(media.data),
            }
            row = by_path.get(media.path)
            if row is None or row.sha256 != media.sha256:
                desired["data"] = media.data
            row, _ = _upsert(row, MediaFile, desired, silent)
            if row.id is not None:
                seen.add(row.id)
        _archive(rows, seen, silent)

    def _sync_modules(self) -> dict[str, tuple[Module, ModuleSpec]]:
        assert self.course is not None  # noqa: S101 - set by run()
        rows = db.session.scalars(select(Module).where(Module.course_id == self.course.id)).all()
        by_slug = {row.slug: row for row in rows}
        synced: dict[str, tuple[Module, ModuleSpec]] = {}
        for spec in self.spec.modules:
            desired = {
                "course_id": self.course.id,
                "slug": spec.slug,
                "title": spec.title,
                "position": spec.position,
                "is_optional": spec.optional,
                "intro_html": spec.intro_html,
            }
            row, _ = _upsert(by_slug.get(spec.slug), Module, desired, self.tally, ("module", spec.slug))
            synced[spec.slug] = (row, spec)
        db.session.flush()
        self.module_slugs = {row.id: row.slug for row in rows} | {row.id: row.slug for row, _ in synced.values()}
        _archive(rows, {row.id for row, _spec in synced.values()}, self.tally, lambda row: ("module", row.slug))
        return synced

    def _sync_lessons(self, modules: dict[str, tuple[Module, ModuleSpec]]) -> list[tuple[Lesson, LessonSpec]]:
        assert self.course is not None  # noqa: S101 - set by run()
        # Lesson bodies are not loaded: an unchanged lesson is recognised by its hash.
        rows = db.session.scalars(
            select(Lesson).options(defer(Lesson.html)).where(Lesson.course_id == self.course.id)
        ).all()
        by_key = {row.key: row for row in rows}
        synced: list[tuple[Lesson, LessonSpec]] = []
        stale: list[tuple[Lesson, LessonSpec]] = []  # bodies whose lesson links must be (re)resolved
        created_any = False
        for module, module_spec in modules.values():
            for item in module_spec.items:
                if not isinstance(item, LessonSpec):
                    continue
                row = by_key.get(item.key)
                desired = {
                    "course_id": self.course.id,
                    "module_id": module.id,
                    "key": item.key,
                    "slug": item.slug,
                    "title": item.title,
                    "position": item.position,
                    "minutes": item.minutes,
                    "is_optional": item.optional,
                    "content_hash": item.source_hash,
                }
                revived = row is not None and row.archived_at is not None
                if row is None or row.content_hash != item.source_hash:
                    desired["html"] = item.html
                row, outcome = _upsert(row, Lesson, desired, self.tally, ("lesson", item.key))
                synced.append((row, item))
                created_any = created_any or outcome == "created"
                if "html" in desired or revived:
                    stale.append((row, item))
        db.session.flush()
        _archive(rows, {row.id for row, _spec in synced}, self.tally, lambda row: ("lesson", row.key))
        self._resolve_lesson_links(synced, stale, recheck_all=created_any)
        return synced

    def _resolve_lesson_links(
        self, lessons: list[tuple[Lesson, LessonSpec]], stale: list[tuple[Lesson, LessonSpec]], *, recheck_all: bool
    ) -> None:
        """Turn ``/lessons/{{lesson:KEY}}`` placeholders into lesson ids.

        A body whose source did not change keeps its links, unless lessons were
        created in this load (a link may then point at a new id).
        """
        ids = {row.key: row.id for row, _spec in lessons}

        def replace(match: re.Match[str]) -> str:
            target = ids.get(match.group(1))
            return f"/lessons/{target}" if target is not None else "#"

        todo = lessons if recheck_all else stale
        for row, spec in todo:
            if _LESSON_LINK.search(spec.html):
                resolved = _LESSON_LINK.sub(replace, spec.html)
                if resolved != row.html:
                    row.html = resolved
                    self.media_tally.add("relinked")

    def _sync_quizzes(self, modules: dict[str, tuple[Module, ModuleSpec]]) -> None:
        assert self.course is not None  # noqa: S101 - set by run()
        rows = db.session.scalars(select(Quiz).where(Quiz.course_id == self.course.id)).all()
        by_identity = {(row.module_id, row.slug): row for row in rows}
        synced: list[tuple[Quiz, QuizSpec]] = []
        for module, module_spec in modules.values():
            for item in module_spec.items:
                if isinstance(item, QuizSpec):
                    name = ("quiz", f"{module.slug}/{item.slug}")
                    row, _ = _upsert(
                        by_identity.get((module.id, item.slug)), Quiz, self._quiz_fields(module, item), self.tally, name
                    )
                    synced.append((row, item))
        db.session.flush()
        slugs = self.module_slugs
        quiz_names = {row.id: f"{slugs.get(row.module_id, '?')}/{row.slug}" for row in [*rows, *(q for q, _ in synced)]}
        _archive(rows, {row.id for row, _spec in synced}, self.tally, lambda row: ("quiz", quiz_names[row.id]))
        archived_quizzes = [row for row in rows if row.id not in {q.id for q, _ in synced}]
        QuestionSync(self.tally, quiz_names).run(synced, archived_quizzes)

    def _quiz_fields(self, module: Module, spec: QuizSpec) -> dict[str, Any]:
        assert self.course is not None  # noqa: S101 - set by run()
        return {
            "course_id": self.course.id,
            "module_id": module.id,
            "slug": spec.slug,
            "title": spec.title,
            "position": spec.position,
            "intro_html": spec.intro_html,
            "pass_percent": spec.pass_percent,
            "attempts_allowed": spec.attempts,
            "time_limit_minutes": spec.time_limit,
            "grading": spec.grading,
            "shuffle": spec.shuffle,
            "draw": spec.draw,
            "review": spec.review,
            "is_optional": spec.optional,
            "role": spec.role,
        }


class Keyed(Protocol):
    """What identity keys are made of: a question's or a survey item's id, file and stem."""

    @property
    def ident(self) -> str | None:
        """The author's id, if any."""

    @property
    def path(self) -> str:
        """The file it was written in."""

    @property
    def stem_source(self) -> str:
        """Its text as written."""


def question_keys(questions: Sequence[Keyed]) -> list[str]:
    """Identity keys: the author's id, else a hash of file and stem plus the
    question's place among same-stem questions of that file (survey items alike)."""
    seen: Counter[tuple[str, str]] = Counter()
    keys = []
    for question in questions:
        if question.ident:
            keys.append(f"id:{question.ident}")
            continue
        file_name = question.path.replace("\\", "/").rsplit("/", 1)[-1]
        stem = " ".join(question.stem_source.split())
        digest = hashlib.sha256(f"{file_name}\n{stem}".encode()).hexdigest()[:20]
        keys.append(f"stem:{digest}:{seen[(file_name, stem)]}")
        seen[(file_name, stem)] += 1
    return keys


def content_hash(content: dict[str, Any]) -> str:
    """A stable hash of a question's content."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class QuestionSync:
    """Upserts the questions of a course's quizzes, versioning changed content."""

    def __init__(self, tally: Tally, quiz_names: dict[int, str]) -> None:
        self.tally = tally
        self.quiz_names = quiz_names

    def _name(self, quiz_id: int, key: str, position: int) -> ItemName:
        """A question as a preview names it: its author id, else its place in the quiz."""
        shown = key.removeprefix("id:") if key.startswith("id:") else f"#{position}"
        return ("question", f"{self.quiz_names.get(quiz_id, '?')} {shown}")

    def run(self, quizzes: list[tuple[Quiz, QuizSpec]], archived_quizzes: list[Quiz]) -> None:
        """Sync the questions of ``quizzes``; archive those of quizzes that vanished."""
        quiz_ids = [quiz.id for quiz, _spec in quizzes] + [quiz.id for quiz in archived_quizzes]
        current = db.session.execute(
            select(Question, QuestionVersion.content_hash)
            .join(
                QuestionVersion,
                (QuestionVersion.question_id == Question.id) & (QuestionVersion.number == Question.version),
            )
            .where(Question.quiz_id.in_(quiz_ids))
        ).all()
        by_identity = {(q.quiz_id, q.key): (q, digest) for q, digest in current}
        seen: set[int] = set()
        created: list[tuple[Question, QuestionSpec, dict[str, Any], str]] = []
        for quiz, spec in quizzes:
            for position, (key, question) in enumerate(zip(question_keys(spec.questions), spec.questions, strict=True)):
                found = by_identity.get((quiz.id, key))
                if found is None:
                    row = Question(quiz_id=quiz.id, key=key, position=position + 1, version=1)
                    db.session.add(row)
                    content = question.content()
                    created.append((row, question, content, content_hash(content)))
                    self.tally.add("created", name=self._name(quiz.id, key, position + 1))
                else:
                    seen.add(self._update_one(found, position + 1, question).id)
        db.session.flush()  # one round trip gives every new question its id
        for row, question, content, digest in created:
            self._add_version(row, 1, question, content, digest)
        _archive([q for q, _digest in current], seen, self.tally, lambda q: self._name(q.quiz_id, q.key, q.position))

    def _update_one(self, found: tuple[Question, str], position: int, spec: QuestionSpec) -> Question:
        row, current_digest = found
        content = spec.content()
        digest = content_hash(content)
        changed = _update(row, {"position": position})
        if row.archived_at is not None:
            row.archived_at, changed = None, True
        if current_digest != digest:
            row.version += 1
            self._add_version(row, row.version, spec, content, digest)
            changed = True
        self.tally.add("updated" if changed else "unchanged", name=self._name(row.quiz_id, row.key, position))
        return row

    def _add_version(
        self, row: Question, number: int, spec: QuestionSpec, content: dict[str, Any], digest: str
    ) -> None:
        db.session.add(
            QuestionVersion(
                question_id=row.id,
                number=number,
                type=spec.type,
                points=spec.points,
                content=content,
                schema_version=CONTENT_SCHEMA_VERSION,
                content_hash=digest,
            )
        )
