"""Answer blocks of Markdown quizzes: the items ``quizmd`` found -> a typed question.

The answer block decides the type (content-format.md section 4): a task
list is single, multiple or true/false; ``= `` lines are short answer or,
when every line is a number, numerical; ``left -> right`` items are
matching; no block with ``{type=essay}`` is an essay.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from elearn.content.issues import IssueList
from elearn.content.lessons import BodyRenderer
from elearn.content.specs import Choice, NumberAnswer, Pair, QuestionSpec, TextAnswer

_NUM = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)"
PLAIN_NUMBER = re.compile(_NUM)
_TOLERANCE = re.compile(rf"({_NUM})[ \t]*(?:±|\+-|\+/-)[ \t]*({_NUM})")
_RANGE = re.compile(rf"({_NUM})[ \t]*\.\.[ \t]*({_NUM})")
_LOOKS_NUMERIC = re.compile(r"[-+]?[\d.,]*\d[\d.,]*[ \t]*(?:(?:±|\+-|\+/-|\.\.).*)?")
_TRUE_FALSE = ({"benar": "true", "salah": "false"}, {"true": "true", "false": "false"})

EntryKind = Literal["task", "equals", "pair"]


@dataclass
class AnswerEntry:
    """One item of an answer block, with its indented continuation and feedback."""

    line: int
    kind: EntryKind
    text: str
    right: str = ""
    checked: bool = False
    more: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    feedback_line: int = 0


def typed_question(
    base: QuestionSpec,
    entries: list[AnswerEntry],
    renderer: BodyRenderer,
    issues: IssueList,
    *,
    essay: bool,
    multiple: bool,
) -> QuestionSpec | None:
    """The question with its type and answer key, decided by its answer block."""
    if essay:
        if entries:
            issues.add(entries[0].line, "an essay question ({type=essay}) takes no answers")
            return None
        return base
    if not entries:
        issues.add(
            base.line,
            "question has no answers: add a task list (- [x] / - [ ]), '= ' lines or "
            "'left -> right' items, or mark it {type=essay}",
        )
        return None
    kind = entries[0].kind
    if multiple and kind != "task":
        issues.add(base.line, "{multiple} applies only to a task list")
        return None
    if kind == "task":
        return _choice_question(base, multiple, entries, renderer, issues)
    if kind == "pair":
        return _matching_question(base, entries, renderer, issues)
    return _equals_question(base, entries, renderer, issues)


def _feedback_html(entry: AnswerEntry, renderer: BodyRenderer) -> str:
    return renderer.render("\n".join(entry.feedback), entry.feedback_line) if entry.feedback else ""


def _choice_question(
    base: QuestionSpec, multiple: bool, entries: list[AnswerEntry], renderer: BodyRenderer, issues: IssueList
) -> QuestionSpec | None:
    checked = sum(entry.checked for entry in entries)
    labels = {entry.text.lower() for entry in entries}
    true_false = next((names for names in _TRUE_FALSE if set(names) == labels), None)
    ok = _check_options(entries, issues)
    if checked == 0:
        issues.add(entries[0].line, "task list has no [x]: mark the right option(s) with [x]")
        return None
    if len(entries) < 2:
        issues.add(entries[0].line, "a choice question needs at least 2 options")
        return None
    if not ok:
        return None
    if true_false is not None and len(entries) == 2 and not multiple and checked == 1:
        choices = [
            Choice(
                html="",
                weight=Decimal(entry.checked),
                feedback_html=_feedback_html(entry, renderer),
                key=true_false[entry.text.lower()],
            )
            for entry in entries
        ]
        return dataclasses.replace(base, type="truefalse", choices=tuple(choices))
    choices = [
        Choice(
            html=renderer.render_inline(" ".join([entry.text, *entry.more]), entry.line),
            weight=Decimal(entry.checked),
            feedback_html=_feedback_html(entry, renderer),
        )
        for entry in entries
    ]
    kind: Literal["single", "multiple"] = "multiple" if multiple or checked > 1 else "single"
    return dataclasses.replace(base, type=kind, choices=tuple(choices), multiple_rule="count")


def _check_options(entries: list[AnswerEntry], issues: IssueList) -> bool:
    ok = True
    for entry in entries:
        if not entry.text and not entry.more:
            issues.add(entry.line, "option has no text")
            ok = False
    return ok


def _matching_question(
    base: QuestionSpec, entries: list[AnswerEntry], renderer: BodyRenderer, issues: IssueList
) -> QuestionSpec | None:
    ok = True
    for entry in entries:
        if not entry.text or not entry.right:
            issues.add(entry.line, "matching pair needs text on both sides of '->'")
            ok = False
        if entry.feedback:
            issues.add(entry.feedback_line, "a matching pair takes no feedback: use general feedback")
            ok = False
    if len(entries) < 2:
        issues.add(entries[0].line, "matching needs at least 2 pairs")
        return None
    pairs = [
        Pair(
            left_html=renderer.render_inline(entry.text, entry.line),
            right_html=renderer.render_inline(" ".join([entry.right, *entry.more]), entry.line),
        )
        for entry in entries
    ]
    return dataclasses.replace(base, type="matching", pairs=tuple(pairs)) if ok else None


def _equals_question(
    base: QuestionSpec, entries: list[AnswerEntry], renderer: BodyRenderer, issues: IssueList
) -> QuestionSpec | None:
    for entry in entries:
        if entry.more:
            issues.add(entry.line, "an '= ' answer is one line: indent only a '> ' feedback under it")
            return None
        if not entry.text:
            issues.add(entry.line, "'=' line has no answer text")
            return None
    if all(_LOOKS_NUMERIC.fullmatch(entry.text) for entry in entries):
        numbers = [_number_answer(entry, renderer, issues) for entry in entries]
        answers = [answer for answer in numbers if answer is not None]
        if len(answers) < len(numbers):
            return None
        return dataclasses.replace(base, type="numerical", number_answers=tuple(answers))
    texts = [TextAnswer(text=entry.text, feedback_html=_feedback_html(entry, renderer)) for entry in entries]
    return dataclasses.replace(base, type="short", text_answers=tuple(texts))


def _number_answer(entry: AnswerEntry, renderer: BodyRenderer, issues: IssueList) -> NumberAnswer | None:
    """``n``, ``n ± tol`` (``+-``) or ``low..high``; None after reporting anything else."""
    text = entry.text
    feedback = _feedback_html(entry, renderer)
    if PLAIN_NUMBER.fullmatch(text):
        value = Decimal(text)
        return NumberAnswer(low=value, high=value, value=value, tolerance=Decimal(0), feedback_html=feedback)
    match = _TOLERANCE.fullmatch(text)
    if match is not None:
        value, tolerance = Decimal(match.group(1)), Decimal(match.group(2))
        if tolerance < 0:
            issues.add(entry.line, f"tolerance must not be negative in '{text}'")
            return None
        return NumberAnswer(
            low=value - tolerance, high=value + tolerance, value=value, tolerance=tolerance, feedback_html=feedback
        )
    match = _RANGE.fullmatch(text)
    if match is not None:
        low, high = Decimal(match.group(1)), Decimal(match.group(2))
        if low > high:
            issues.add(entry.line, f"range '{text}' has its low end above its high end")
            return None
        return NumberAnswer(low=low, high=high, feedback_html=feedback)
    issues.add(entry.line, f"not a number: '{text}' (write n, n ± tolerance or low..high, with '.' for decimals)")
    return None
