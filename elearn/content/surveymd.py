"""Course feedback surveys written in Markdown (``*.survey.md``, docs/authoring.md section 6a).

Parsed line by line like quizzes (``quizmd.py``): each item starts with a ``## `` heading whose
text is the statement or question; a plain list below it holds the options. The heading's
``{...}`` attributes decide the rest: ``{type=likert}`` (a 1-5 scale; a list of exactly five
labels may name its points), ``{type=text}`` (free text, always optional), ``{multiple}`` (tick
any number of options), ``{optional}`` and ``{id=...}``. A list without ``type`` is a single
choice. Every problem is reported with its file line; nothing here raises on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from elearn.content.frontmatter import FrontMatter, Key, Schema, parse_front_matter
from elearn.content.issues import IssueList
from elearn.content.lessons import BodyRenderer, next_fence
from elearn.content.specs import LIKERT_POINTS, SurveyItemKind, SurveyItemSpec, SurveySpec

SURVEY_SUFFIX = ".survey.md"
SURVEY_SCHEMA: Schema = {"title": Key("string"), "required": Key("boolean", default=False)}
MAX_ITEMS = 100
MAX_OPTIONS = 20

_HEADING = re.compile(r"^ {0,3}##(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_ATTRIBUTES = re.compile(r"[ \t]*\{([^{}]*)\}$")
_OPTION = re.compile(r"^ ?[-*+][ \t]+(.*?)[ \t]*$")
_TASK = re.compile(r"^ ?[-*+][ \t]+\[[ xX]\]")
_TYPES: dict[str, SurveyItemKind] = {"likert": "likert", "text": "text"}

Line = tuple[int, str, bool]  # file line, text, inside a code fence


@dataclass
class _Attributes:
    kind: SurveyItemKind | None = None
    multiple: bool = False
    optional: bool = False
    ident: str | None = None


@dataclass
class _Option:
    line: int
    parts: list[str]


def parse_survey(text: str, issues: IssueList, renderer: BodyRenderer, *, slug: str) -> SurveySpec | None:
    """A checked survey from a whole ``*.survey.md`` file; None when it has no usable item."""
    front = parse_front_matter(text, SURVEY_SCHEMA, issues)
    intro, sections = _sections(front)
    intro_text = _join(intro)
    intro_html = renderer.render(intro_text, intro[0][0]) if intro_text.strip() else ""
    if not sections:
        issues.add(1, "survey has no items: start each item with a '## ' heading")
        return None
    if len(sections) > MAX_ITEMS:
        issues.add(sections[MAX_ITEMS][0], f"a survey holds at most {MAX_ITEMS} items")
        return None
    items = [_item(line, heading, lines, renderer, issues) for line, heading, lines in sections]
    found = [item for item in items if item is not None]
    _check_ids(found, issues)
    return SurveySpec(
        slug=slug,
        title=front.text("title") or _title(slug),
        required=front.flag("required"),
        intro_html=intro_html,
        items=tuple(found),
        path=issues.path,
    )


def _title(slug: str) -> str:
    words = slug.replace("-", " ")
    return words[:1].upper() + words[1:]


def _sections(front: FrontMatter) -> tuple[list[Line], list[tuple[int, str, list[Line]]]]:
    """The intro lines and each ``## `` section (its line, heading text and lines); code fences respected."""
    intro: list[Line] = []
    sections: list[tuple[int, str, list[Line]]] = []
    fence: str | None = None
    for offset, text in enumerate(front.body.split("\n")):
        opened = fence
        fence = next_fence(fence, text)
        in_code = opened is not None or fence is not None
        heading = None if in_code else _HEADING.match(text)
        line = front.body_line + offset
        if heading is not None:
            sections.append((line, heading.group(1) or "", []))
        else:
            (sections[-1][2] if sections else intro).append((line, text, in_code))
    return intro, sections


def _join(lines: Sequence[Line]) -> str:
    return "\n".join(text for _, text, _ in lines).strip("\n")


def _heading(line: int, raw: str, issues: IssueList) -> tuple[str, _Attributes] | None:
    text = _CLOSING_HASHES.sub("", raw.strip())
    attributes = _Attributes()
    ok = True
    match = _ATTRIBUTES.search(text)
    if match is not None:
        text = text[: match.start()].strip()
        for word in match.group(1).split():
            ok = _attribute(word, attributes, line, issues) and ok
    if not text:
        issues.add(line, "survey item heading '## ' has no text")
        return None
    if attributes.multiple and attributes.kind is not None:
        issues.add(line, f"{{multiple}} applies only to a list of options, not to {{type={attributes.kind}}}")
        return None
    return (text, attributes) if ok else None


def _attribute(word: str, attributes: _Attributes, line: int, issues: IssueList) -> bool:
    name, _, value = word.partition("=")
    if word == "multiple":
        attributes.multiple = True
    elif word == "optional":
        attributes.optional = True
    elif name == "id" and value:
        attributes.ident = value
    elif name == "id":
        issues.add(line, "attribute 'id=' needs a value, e.g. {id=relevansi}")
        return False
    elif name == "type" and value in _TYPES:
        attributes.kind = _TYPES[value]
    elif name == "type":
        issues.add(line, f"unknown survey item type '{value}' (known: type=likert, type=text)")
        return False
    else:
        issues.add(
            line, f"unknown survey item attribute '{word}' (known: type=likert, type=text, multiple, optional, id=X)"
        )
        return False
    return True


def _scan(lines: list[Line], issues: IssueList) -> tuple[list[Line], list[_Option]] | None:
    """Split an item's lines into its stem and its options; None after reporting a stray line."""
    stem: list[Line] = []
    options: list[_Option] = []
    for line, text, in_code in lines:
        if not in_code and _TASK.match(text):
            issues.add(
                line, "survey options are plain list items ('- option'): nothing is right or wrong, so no [ ] or [x]"
            )
            return None
        option = None if in_code else _OPTION.match(text)
        if option is not None:
            options.append(_Option(line, [option.group(1)]))
        elif not options:
            stem.append((line, text, in_code))
        elif not text.strip():
            continue
        elif text.startswith(("  ", "\t")) and not in_code:
            options[-1].parts.append(text.strip())
        else:
            issues.add(line, "text after the options of this survey item: move it above the list")
            return None
    return stem, options


def _item(line: int, raw: str, lines: list[Line], renderer: BodyRenderer, issues: IssueList) -> SurveyItemSpec | None:
    heading = _heading(line, raw, issues)
    scanned = _scan(lines, issues)
    if heading is None or scanned is None:
        return None
    text, attributes = heading
    stem, options = scanned
    kind = _kind(attributes, options, line, issues)
    if kind is None or not _options_ok(kind, options, issues):
        return None
    stem_body = _join(stem)
    stem_source = f"{text}\n\n{stem_body}" if stem_body.strip() else text
    return SurveyItemSpec(
        kind=kind,
        stem_html=renderer.render(stem_source, line),
        stem_source=stem_source,
        options=tuple(renderer.render_inline(" ".join(option.parts), option.line) for option in options),
        optional=attributes.optional or kind == "text",
        ident=attributes.ident,
        path=issues.path,
        line=line,
    )


def _kind(attributes: _Attributes, options: list[_Option], line: int, issues: IssueList) -> SurveyItemKind | None:
    if attributes.kind == "text" and options:
        issues.add(options[0].line, "a free-text item ({type=text}) takes no options")
        return None
    if attributes.kind == "likert" and options and len(options) != LIKERT_POINTS:
        issues.add(
            options[0].line,
            f"a Likert item lists exactly {LIKERT_POINTS} labels (for 1 to {LIKERT_POINTS}), "
            f"or none for the default labels (got {len(options)})",
        )
        return None
    if attributes.kind is not None:
        return attributes.kind
    if not options:
        issues.add(line, "survey item has no options: add a list ('- option'), or mark it {type=likert} or {type=text}")
        return None
    return "multiple" if attributes.multiple else "single"


def _options_ok(kind: SurveyItemKind, options: list[_Option], issues: IssueList) -> bool:
    if kind in ("single", "multiple") and len(options) < 2:
        issues.add(options[0].line, "a choice item needs at least 2 options")
        return False
    if len(options) > MAX_OPTIONS:
        issues.add(options[MAX_OPTIONS].line, f"a survey item holds at most {MAX_OPTIONS} options")
        return False
    seen: dict[str, int] = {}
    ok = True
    for option in options:
        label = " ".join(option.parts).strip()
        if not label:
            issues.add(option.line, "option has no text")
            ok = False
        elif label.casefold() in seen:
            issues.add(option.line, f"duplicate option '{label}' (also on line {seen[label.casefold()]})")
            ok = False
        else:
            seen[label.casefold()] = option.line
    return ok


def _check_ids(items: Sequence[SurveyItemSpec], issues: IssueList) -> None:
    first: dict[str, int] = {}
    for item in items:
        if item.ident is None:
            continue
        if item.ident in first:
            issues.add(item.line, f"duplicate survey item id '{item.ident}' (also on line {first[item.ident]})")
        else:
            first[item.ident] = item.line
