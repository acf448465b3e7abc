"""What an upload's preview page shows, as plain JSON-ready values (pure: no Flask, no database).

The counts and names come from a dry run of the very load that publishing runs; the lessons are
the sanitised HTML the load would store (links between lessons are only resolved when loading).
"""

from __future__ import annotations

import re
from typing import Any

from elearn.content.specs import CourseSpec, LessonSpec
from elearn.content.sync import Tally

OUTCOMES = ("created", "updated", "unchanged", "archived")
#: Names listed per outcome; a course of thousands of questions says "and N more".
MAX_NAMES = 200
#: Rendered lesson HTML kept for the preview; lessons past it are listed by title only.
MAX_PREVIEW_HTML = 2 * 1024 * 1024
_LESSON_LINK = re.compile(r"/lessons/\{\{lesson:[^}]*\}\}")


def build_preview(spec: CourseSpec, tally: Tally) -> dict[str, Any]:
    """The course, the dry run's counts and names per outcome, and its modules with rendered lessons."""
    names = {outcome: tally.names.get(outcome, []) for outcome in OUTCOMES}
    return {
        "course": {
            "code": spec.code,
            "title": spec.title,
            "summary": spec.summary,
            "jp": spec.jp,
            "instructors": list(spec.instructors),
        },
        "counts": {outcome: tally.counts[outcome] for outcome in OUTCOMES},
        "names": {outcome: [list(name) for name in found[:MAX_NAMES]] for outcome, found in names.items()},
        "more": {outcome: max(0, len(found) - MAX_NAMES) for outcome, found in names.items()},
        "modules": _modules(spec),
    }


def _modules(spec: CourseSpec) -> list[dict[str, Any]]:
    budget = MAX_PREVIEW_HTML
    modules: list[dict[str, Any]] = []
    for module in spec.modules:
        items: list[dict[str, Any]] = []
        for item in module.items:
            if isinstance(item, LessonSpec):
                html: str | None = _LESSON_LINK.sub("#", item.html)
                if len(html or "") > budget:
                    html = None
                else:
                    budget -= len(html or "")
                items.append({"kind": "lesson", "title": item.title, "minutes": item.minutes, "html": html})
            else:
                items.append({"kind": "quiz", "title": item.title, "questions": len(item.questions)})
        modules.append({"title": module.title, "optional": module.optional, "items": items})
    return modules
