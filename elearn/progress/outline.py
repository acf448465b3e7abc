"""A course's outline for one learner: items in order, completed and locked marks, percent.

``compute_outline`` is pure (plain values in, plain values out); ``outline_of`` applies it to a
course's cached structure (``catalogue/structure.py``) and a learner's state (``progress/state.py``,
one query), whatever the course size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from elearn.catalogue.models import Course
from elearn.catalogue.structure import CourseInfo, CourseStructure, ItemRow, ModuleRow, snapshot
from elearn.progress.state import LearnerState, learner_state

__all__ = ["ItemRow", "ModuleRow", "Outline", "OutlineItem", "OutlineModule", "compute_outline", "load_outline"]


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


def outline_of(structure: CourseStructure, state: LearnerState | None) -> Outline:
    """The outline of a cached course structure for a learner's state (None: nobody's progress)."""
    completed: set[tuple[str, int]] = set()
    if state is not None:
        completed = {("lesson", i) for i in state.lessons_done} | {("quiz", i) for i in state.quizzes_passed}
    return compute_outline(structure.modules, structure.items, completed, sequential=structure.course.is_sequential)


def load_outline(course: Course | CourseInfo, user_id: int | None) -> Outline:
    """The outline of ``course`` for ``user_id`` (None: nobody's progress): the cached structure
    and one query for the learner's own progress."""
    structure = snapshot().by_id.get(course.id)
    if structure is None:  # archived: no outline
        return Outline([], course.is_sequential)
    outline = outline_of(structure, learner_state(user_id, course.id) if user_id is not None else None)
    if user_id is None:
        outline.clear_marks()
    return outline
