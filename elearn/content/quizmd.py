"""Quizzes written in Markdown (``*.quiz.md``, content-format.md section 4).

Python-Markdown gives no line numbers, so the question structure (headings,
answer blocks, feedback quotes) is parsed here line by line; only the
pieces (stems, options, feedback) are rendered with Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from elearn.content.frontmatter import FrontMatter, Key, Schema, parse_front_matter
from elearn.content.issues import Issue, IssueList
from elearn.content.lessons import BodyRenderer, next_fence
from elearn.content.quizmd_answers import PLAIN_NUMBER, AnswerEntry, EntryKind, typed_question
from elearn.content.specs import (
    GRADING_METHODS,
    QUIZ_ROLES,
    REVIEW_MODES,
    Grading,
    ModuleSpec,
    QuestionSpec,
    QuizRole,
    QuizSpec,
    ReviewMode,
)

QUIZ_SCHEMA: Schema = {
    "title": Key("string"),
    "pass": Key("number", default=Decimal(70), minimum=Decimal(0), maximum=Decimal(100)),
    "attempts": Key("integer", default=0, minimum=0),
    "time_limit": Key("integer", minimum=1),
    "grading": Key("choice", default="highest", choices=GRADING_METHODS),
    "shuffle": Key("boolean", default=True),
    "draw": Key("integer", minimum=1),
    "include": Key("strings", default=()),
    "review": Key("choice", default="immediately", choices=REVIEW_MODES),
    "optional": Key("boolean", default=False),
    "role": Key("choice", choices=QUIZ_ROLES),
}
BANK_SUFFIXES = (".gift", ".quiz.md")

_HEADING = re.compile(r"^ {0,3}##(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_ATTRIBUTES = re.compile(r"[ \t]*\{([^{}]*)\}$")
_TASK = re.compile(r"^ ?[-*+][ \t]+\[([ xX])\](?:[ \t]+(.*)|[ \t]*)$")
_EQUALS = re.compile(r"^ ?=(?!=)[ \t]*(.*?)[ \t]*$")
_PAIR = re.compile(r"^ ?[-*+][ \t]+(.*?)[ \t]*->[ \t]*(.*?)[ \t]*$")
_LIST_ITEM = re.compile(r"^ ?[-*+][ \t]")
_KIND_NAMES = {"task": "task list items", "equals": "'= ' lines", "pair": "'left -> right' items"}

Line = tuple[int, str, bool]  # file line, text, inside a code fence


@dataclass
class _Attributes:
    points: Decimal = Decimal(1)
    ident: str | None = None
    essay: bool = False
    multiple: bool = False


@dataclass(frozen=True)
class QuizSource:
    """A quiz file parsed: checked front matter, intro and its own questions."""

    front: FrontMatter
    intro_html: str
    questions: tuple[QuestionSpec, ...]
    headings: int = 0  # '## ' headings written, whether or not they parsed


def parse_quiz_markdown(
    body: str, path: str, *, first_line: int = 1, iframe_hosts: tuple[str, ...] = ()
) -> tuple[str, list[QuestionSpec], list[Issue]]:
    """Parse a quiz body (no front matter) into intro HTML and questions; never raises."""
    issues = IssueList(path)
    renderer = BodyRenderer(body, issues, iframe_hosts=iframe_hosts, first_line=first_line)
    intro_html, questions, _ = _parse_body(body, first_line, renderer, issues)
    return intro_html, questions, issues.items


def read_quiz(text: str, issues: IssueList, renderer: BodyRenderer) -> QuizSource:
    """Check a quiz file's front matter and parse its body (``text`` is the whole file)."""
    front = parse_front_matter(text, QUIZ_SCHEMA, issues)
    intro_html, questions, headings = _parse_body(front.body, front.body_line, renderer, issues)
    return QuizSource(front=front, intro_html=intro_html, questions=tuple(questions), headings=headings)


def parse_bank(
    name: str, text: str, issues: IssueList, renderer: BodyRenderer, *, iframe_hosts: tuple[str, ...] = ()
) -> list[QuestionSpec]:
    """The questions of a file a quiz may include: a GIFT bank or another ``.quiz.md``."""
    if name.endswith(".gift"):
        from elearn.content.gift import parse_gift  # written alongside; imported when first needed

        questions, found = parse_gift(text, issues.path, iframe_hosts=iframe_hosts)
        issues.extend(found)
        return list(questions)
    return list(read_quiz(text, issues, renderer).questions)


def build_quiz(
    source: QuizSource,
    issues: IssueList,
    *,
    slug: str,
    position: int,
    file_name: str,
    pools: Mapping[str, Sequence[QuestionSpec]],
) -> QuizSpec:
    """A quiz with its included questions appended, checked as a whole."""
    front = source.front
    questions = source.questions + tuple(_included(front, issues, file_name, pools))
    _check_question_ids(questions, issues)
    if not questions and not source.headings and not front.strings("include"):
        issues.add(1, "quiz has no questions: start each question with a '## ' heading")
    draw = front.integer("draw")
    if draw is not None and questions and draw > len(questions):
        issues.add(front.line("draw"), f"'draw' is {draw} but the quiz has only {len(questions)} questions")
    role = cast(QuizRole | None, front.text("role"))
    pretest = role == "pretest" and _pretest_rules(front, issues)
    return QuizSpec(
        slug=slug,
        title=front.text("title") or slug,
        # A pretest has no pass mark: any finished attempt marks it taken, never failed.
        pass_percent=Decimal(0) if pretest else front.number("pass") or Decimal(0),
        attempts=1 if pretest and "attempts" not in front.lines else front.integer("attempts") or 0,
        time_limit=front.integer("time_limit"),
        grading=cast(Grading, front.text("grading")),
        shuffle=front.flag("shuffle"),
        draw=draw,
        review=cast(ReviewMode, front.text("review")),
        optional=pretest or front.flag("optional"),
        position=position,
        intro_html=source.intro_html,
        questions=questions,
        path=issues.path,
        role=role,
        role_line=front.line("role"),
    )


def check_quiz_roles(modules: Sequence[ModuleSpec]) -> list[Issue]:
    """Course-wide rules of ``role``: one pretest and one posttest at most, and the pretest is the
    first item of the first module (so it is offered before the first lesson)."""
    issues: list[Issue] = []
    first: dict[str, QuizSpec] = {}
    for module_index, module in enumerate(modules):
        for item_index, item in enumerate(module.items):
            if not isinstance(item, QuizSpec) or item.role is None:
                continue
            if item.role in first:
                message = f"a course has at most one {item.role} (also {first[item.role].path})"
                issues.append(Issue(item.path, item.role_line, message))
                continue
            first[item.role] = item
            if item.role == "pretest" and (module_index, item_index) != (0, 0):
                message = "a pretest must be the first item of the course's first module (number it before its lessons)"
                issues.append(Issue(item.path, item.role_line, message))
    return issues


def _pretest_rules(front: FrontMatter, issues: IssueList) -> bool:
    """A pretest never counts toward completion and has no pass mark; report keys that say otherwise."""
    if "pass" in front.lines:
        issues.add(front.line("pass"), "a pretest (role: pretest) has no pass mark: remove 'pass'")
    if "optional" in front.lines and not front.flag("optional"):
        issues.add(
            front.line("optional"), "a pretest (role: pretest) never counts toward completion: remove 'optional'"
        )
    return True


def _included(
    front: FrontMatter, issues: IssueList, file_name: str, pools: Mapping[str, Sequence[QuestionSpec]]
) -> list[QuestionSpec]:
    questions: list[QuestionSpec] = []
    seen: set[str] = set()
    lines = front.item_lines.get("include", ())
    for number, name in enumerate(front.strings("include")):
        line = lines[number] if number < len(lines) else front.line("include")
        if not name.endswith(BANK_SUFFIXES):
            issues.add(line, f"'include' lists '{name}': only .gift and .quiz.md files can be included")
        elif name == file_name:
            issues.add(line, f"'include' lists '{name}', this quiz itself")
        elif name in seen:
            issues.add(line, f"'include' lists '{name}' twice")
        elif name not in pools:
            issues.add(line, f"'include' lists '{name}', which is not a file in this module's folder")
        else:
            questions.extend(pools[name])
        seen.add(name)
    return questions


def _check_question_ids(questions: Sequence[QuestionSpec], issues: IssueList) -> None:
    first: dict[str, QuestionSpec] = {}
    for question in questions:
        if question.ident is None:
            continue
        if question.ident in first:
            earlier = first[question.ident]
            message = f"duplicate question id '{question.ident}' (also {earlier.path}:{earlier.line})"
            issues.extend([Issue(question.path or issues.path, question.line, message)])
        else:
            first[question.ident] = question


def _parse_body(
    body: str, first_line: int, renderer: BodyRenderer, issues: IssueList
) -> tuple[str, list[QuestionSpec], int]:
    """The intro HTML (text before the first ``## ``), the questions and the number of headings."""
    intro: list[Line] = []
    sections: list[tuple[int, str, list[Line]]] = []
    fence: str | None = None
    for offset, text in enumerate(body.split("\n")):
        opened = fence
        fence = next_fence(fence, text)
        in_code = opened is not None or fence is not None
        heading = None if in_code else _HEADING.match(text)
        if heading is not None:
            sections.append((first_line + offset, heading.group(1) or "", []))
        else:
            (sections[-1][2] if sections else intro).append((first_line + offset, text, in_code))
    intro_html = renderer.render(_join(intro), first_line) if _join(intro).strip() else ""
    questions = [_question(*section, renderer, issues) for section in sections]
    return intro_html, [question for question in questions if question is not None], len(sections)


def _join(lines: Sequence[Line]) -> str:
    return "\n".join(text for _, text, _ in lines).strip("\n")


def _heading(line: int, raw: str, issues: IssueList) -> tuple[str, _Attributes] | None:
    """The heading's text and its ``{...}`` attributes; None when they are wrong."""
    text = _CLOSING_HASHES.sub("", raw.strip())
    attributes = _Attributes()
    match = _ATTRIBUTES.search(text)
    ok = True
    if match is not None:
        text = text[: match.start()].strip()
        for token in match.group(1).split():
            ok = _attribute(token, attributes, line, issues) and ok
    if not text:
        issues.add(line, "question heading '## ' has no text")
        return None
    return (text, attributes) if ok else None


def _attribute(word: str, attributes: _Attributes, line: int, issues: IssueList) -> bool:
    name, _, value = word.partition("=")
    if word == "multiple":
        attributes.multiple = True
    elif name == "points" and PLAIN_NUMBER.fullmatch(value) and Decimal(value) > 0:
        attributes.points = Decimal(value)
    elif name == "points":
        issues.add(line, f"points must be a positive number (got '{value}')")
        return False
    elif name == "id" and value:
        attributes.ident = value
    elif name == "id":
        issues.add(line, "attribute 'id=' needs a value, e.g. {id=q-asn}")
        return False
    elif word == "type=essay":
        attributes.essay = True
    elif name == "type":
        issues.add(line, f"unknown question type '{value}': only {{type=essay}} is written on the heading")
        return False
    else:
        issues.add(line, f"unknown question attribute '{word}' (known: points=N, id=X, type=essay, multiple)")
        return False
    return True


def _question(
    line: int, raw_heading: str, lines: list[Line], renderer: BodyRenderer, issues: IssueList
) -> QuestionSpec | None:
    heading = _heading(line, raw_heading, issues)
    stem, entries, general, scanned = _scan(lines, issues)
    if heading is None or not scanned:
        return None
    text, attributes = heading
    stem_body = _join(stem)
    stem_source = f"{text}\n\n{stem_body}" if stem_body.strip() else text
    base = QuestionSpec(
        type="essay",
        stem_html=renderer.render(stem_source, line),
        stem_source=stem_source,
        points=attributes.points,
        ident=attributes.ident,
        path=issues.path,
        line=line,
        general_feedback_html=renderer.render(_join(general), general[0][0]) if general else "",
    )
    return typed_question(base, entries, renderer, issues, essay=attributes.essay, multiple=attributes.multiple)


def _scan(lines: list[Line], issues: IssueList) -> tuple[list[Line], list[AnswerEntry], list[Line], bool]:
    """Split a question's lines into stem, answer entries and general feedback.

    The last value is False when a line fits nowhere (already reported).
    """
    stem: list[Line] = []
    entries: list[AnswerEntry] = []
    general: list[Line] = []
    blank = False
    for line, text, in_code in lines:
        entry = None if in_code else _entry(line, text)
        if not entries:
            if entry is None:
                stem.append((line, text, in_code))
            else:
                entries.append(entry)
            continue
        if not text.strip():
            blank = True
            if general:
                general.append((line, "", in_code))
        elif general:
            if blank and not text.startswith(">"):
                issues.add(line, "text after the feedback of this question: move it above the answers")
                return stem, entries, general, False
            general.append((line, re.sub(r"^> ?", "", text), in_code))
        elif not in_code and text.startswith(">"):
            general.append((line, re.sub(r"^> ?", "", text), in_code))
        elif _is_indented(text) and not in_code:
            _continue_entry(entries[-1], line, text)
        elif entry is not None and entry.kind == entries[0].kind:
            entries.append(entry)
            blank = False
        else:
            issues.add(line, _stray_message(entries[0].kind, entry, text))
            return stem, entries, general, False
    return stem, entries, general, True


def _entry(line: int, text: str) -> AnswerEntry | None:
    """An answer-block item starting on this line, if it is one."""
    match = _TASK.match(text)
    if match is not None:
        return AnswerEntry(line, "task", (match.group(2) or "").strip(), checked=match.group(1) in "xX")
    match = _EQUALS.match(text)
    if match is not None:
        return AnswerEntry(line, "equals", match.group(1))
    match = _PAIR.match(text)
    if match is not None:
        return AnswerEntry(line, "pair", match.group(1), right=match.group(2))
    return None


def _is_indented(text: str) -> bool:
    return text.startswith(("  ", "\t"))


def _continue_entry(entry: AnswerEntry, line: int, text: str) -> None:
    """An indented line under an item: its feedback quote, or more of its text."""
    stripped = text.strip()
    if stripped.startswith(">"):
        entry.feedback_line = entry.feedback_line or line
        entry.feedback.append(re.sub(r"^> ?", "", stripped))
    elif entry.feedback:
        entry.feedback.append(stripped)
    else:
        entry.more.append(stripped)


def _stray_message(kind: EntryKind, entry: AnswerEntry | None, text: str) -> str:
    if entry is not None:
        return f"answers of one question must all be {_KIND_NAMES[kind]}, not {_KIND_NAMES[entry.kind]}"
    if kind == "task" and _LIST_ITEM.match(text):
        return "list item without [ ] or [x] in a task list: every option needs one"
    if kind == "pair" and _LIST_ITEM.match(text):
        return "list item without ' -> ' in a matching block: write 'left -> right'"
    return "text after the answers of this question: move it above the answers, or start it with '> ' as feedback"
