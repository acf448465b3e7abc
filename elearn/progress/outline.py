"""A course's outline for one learner: items in order, completed and locked marks, percent.

``compute_outline`` is pure (plain values in, plain values out); ``load_outline``
fetches what it needs in a fixed number of queries (modules, lessons, quizzes,
the learner's completed lessons and passed quizzes), whatever the course size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from elearn.catalogue.models import Course, Lesson, Module
from elearn.extensions import db
from elearn.progress.models import LessonCompletion
from elearn.quizzes.models import Quiz, QuizResult


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


@dataclass(frozen=True)
class ModuleRow:
    """A module as the outline needs it."""

    id: int
    slug: str
    title: str
    position: int
    is_optional: bool


@dataclass
class OutlineItem:
    """An item with the caller's marks."""

    row: ItemRow
    optional: bool
    completed: bool = False
    locked: bool = False

    @property
    def required(self) -> bool:
        """Counts towards percent and completion."""
        return not self.optional


@dataclass
class OutlineModule:
    """A module with its items and the caller's marks."""

    row: ModuleRow
    items: list[OutlineItem] = field(default_factory=list)
    locked: bool = False
    blocker: OutlineModule | None = None  # the first incomplete required module before it

    @property
    def satisfied(self) -> bool:
        """Nothing required is left (vacuously true without required items): unlocks what follows."""
        return all(item.completed for item in self.items if item.required)

    @property
    def completed(self) -> bool:
        """What the learner sees as done: every required item, or every item of a module
        that requires none (an optional module is not "done" before it is read)."""
        if any(item.required for item in self.items):
            return self.satisfied
        return bool(self.items) and all(item.completed for item in self.items)

    def next_required(self) -> OutlineItem | None:
        """The first required item not done yet (what unlocks the modules after it)."""
        return next((item for item in self.items if item.required and not item.completed), None)


@dataclass
class Outline:
    """The whole outline and the numbers api.md's progress shows."""

    modules: list[OutlineModule]
    sequential: bool = False

    def apply_locks(self) -> None:
        """Lock, in a sequential course, every module after the first incomplete
        required one; optional modules never block but wait like the others."""
        blocker: OutlineModule | None = None
        for module in self.modules:
            module.locked = self.sequential and blocker is not None
            module.blocker = blocker if module.locked else None
            for item in module.items:
                item.locked = module.locked
            if blocker is None and not module.row.is_optional and not module.satisfied:
                blocker = module

    def clear_marks(self) -> None:
        """Nothing completed or locked: the outline as a non-enrolled caller sees it."""
        for module in self.modules:
            module.locked, module.blocker = False, None
            for item in module.items:
                item.locked = item.completed = False

    @property
    def items(self) -> list[OutlineItem]:
        """Every item in course order."""
        return [item for module in self.modules for item in module.items]

    @property
    def total_items(self) -> int:
        """Required items."""
        return sum(1 for item in self.items if item.required)

    @property
    def completed_items(self) -> int:
        """Required items done."""
        return sum(1 for item in self.items if item.required and item.completed)

    @property
    def percent(self) -> int:
        """floor(100 × completed required / required); 100 when nothing is required."""
        return percent(self.completed_items, self.total_items)

    @property
    def is_complete(self) -> bool:
        """Every required lesson completed and required quiz passed."""
        return self.completed_items == self.total_items

    def find(self, item_type: str, item_id: int) -> tuple[OutlineModule, OutlineItem] | None:
        """The module and item of a lesson or quiz, if live in this course."""
        for module in self.modules:
            for item in module.items:
                if item.row.type == item_type and item.row.id == item_id:
                    return module, item
        return None

    def neighbours(self, item: OutlineItem) -> tuple[OutlineItem | None, OutlineItem | None]:
        """The items before and after ``item`` in course order."""
        items = self.items
        index = items.index(item)
        return (items[index - 1] if index > 0 else None, items[index + 1] if index + 1 < len(items) else None)

    def next_to_do(self) -> OutlineItem | None:
        """The first unlocked item not done yet (for "continue where you left off")."""
        return next((item for item in self.items if not item.completed and not item.locked), None)


def percent(done: int, required: int) -> int:
    """api.md's ``percent``: floor(100 × done / required), and 100 when nothing is required."""
    return 100 if required == 0 else (100 * done) // required


def compute_outline(
    modules: Sequence[ModuleRow],
    items: Sequence[ItemRow],
    completed: set[tuple[str, int]],
    *,
    sequential: bool,
) -> Outline:
    """Place items in their modules and mark them for a learner who has done ``completed``."""
    by_module: dict[int, OutlineModule] = {m.id: OutlineModule(m) for m in sorted(modules, key=lambda m: m.position)}
    for row in sorted(items, key=lambda i: (i.position, i.type)):
        module = by_module.get(row.module_id)
        if module is not None:
            optional = row.is_optional or module.row.is_optional
            module.items.append(OutlineItem(row, optional, completed=(row.type, row.id) in completed))
    outline = Outline(list(by_module.values()), sequential)
    outline.apply_locks()
    return outline


def load_outline(course: Course, user_id: int | None) -> Outline:
    """The outline of ``course`` for ``user_id`` (None: nobody's progress)."""
    modules = [
        ModuleRow(m.id, m.slug, m.title, m.position, m.is_optional)
        for m in db.session.execute(
            select(Module.id, Module.slug, Module.title, Module.position, Module.is_optional).where(
                Module.course_id == course.id, Module.archived_at.is_(None)
            )
        )
    ]
    lesson_rows = db.session.execute(
        select(
            Lesson.id, Lesson.module_id, Lesson.slug, Lesson.title, Lesson.position, Lesson.is_optional, Lesson.minutes
        ).where(Lesson.course_id == course.id, Lesson.archived_at.is_(None))
    )
    quiz_rows = db.session.execute(
        select(Quiz.id, Quiz.module_id, Quiz.slug, Quiz.title, Quiz.position, Quiz.is_optional).where(
            Quiz.course_id == course.id, Quiz.archived_at.is_(None)
        )
    )
    items = [ItemRow("lesson", *row) for row in lesson_rows] + [ItemRow("quiz", *row) for row in quiz_rows]
    completed = _completed(course.id, user_id) if user_id is not None else set()
    return compute_outline(modules, items, completed, sequential=course.is_sequential)


def _completed(course_id: int, user_id: int) -> set[tuple[str, int]]:
    lessons = db.session.scalars(
        select(LessonCompletion.lesson_id)
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .where(LessonCompletion.user_id == user_id, Lesson.course_id == course_id)
    )
    quizzes = db.session.scalars(
        select(QuizResult.quiz_id)
        .join(Quiz, Quiz.id == QuizResult.quiz_id)
        .where(QuizResult.user_id == user_id, Quiz.course_id == course_id, QuizResult.is_passed.is_(True))
    )
    return {("lesson", i) for i in lessons} | {("quiz", i) for i in quizzes}
