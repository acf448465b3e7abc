"""Moodle GIFT question banks to ``QuestionSpec`` (content-format.md section 5).

``parse_gift`` reads a bank as Moodle's own importer does and never raises:
every problem becomes an ``Issue`` at a 1-based line of the file (the
question's first line, or where an unclosed ``{`` opens) and parsing goes on
with the next question. ``write_gift`` (in ``gift_writer``) is the way back.

Conventions chosen here:

- Questions are runs of non-blank lines; lines are trimmed (as Moodle does,
  so indentation carries no meaning, even in ``[markdown]`` text). Lines whose
  trimmed start is ``//`` are comments wherever they are.
- Comment lines of a question's block carry tokens: Moodle's ``[id:X]`` and
  ``[tag:Y]`` (``\\]`` for a ``]`` inside), and three of ours that Moodle
  ignores: ``[points:N]`` (default 1), ``[rule:count]`` or ``[rule:weights]``
  (how a multiple-response question scores; GIFT's own is ``weights``) and
  ``[order:false-true]`` (a true/false question lists "false" first).
- A ``$CATEGORY:`` line sets the category of the questions after it; lines
  after it in the same block are read as a question (Moodle would fold them
  into the category name).
- Text without a format prefix is ``moodle`` (HTML allowed, line breaks kept
  as ``<br>``); answers and feedback default to their question's format. The
  right-hand side of a matching pair takes no prefix (Moodle reads none).
- A missing word (answer block inside the text) shows as ``_____``.
- Short answers are plain text, not HTML. A bare ``*`` makes the answer a
  pattern (``is_pattern``) in which ``\\*`` is a literal star; an answer with
  no bare ``*`` is literal and its ``\\*`` are stored as ``*``.
- ``{#5}`` is ``value=5`` with ``tolerance=None``; ``{#5:0}`` has tolerance 0.
- Weights are canonical fractions: ``%50%`` is ``Decimal("0.5")``, ``%100%``
  is ``Decimal(1)``. Choice blocks also accept ``=%50%`` (a right answer with
  a weight) and, as Moodle does, ``~=answer`` (also ``~ =answer``) as a right
  answer.
- "Unescaped ``=`` in text": inside an answer block an unescaped ``=`` or
  ``~`` starts a new answer, as in Moodle. Where that leaves something
  invalid (an empty option ``{=a = ~b}``, a matching answer without ``->``
  such as ``{=2 = 1+1 -> dua =3 -> tiga}``) the message says to write
  ``\\=``. Unescaped braces are checked too: a stray ``}``, a ``{`` inside an
  open block, a block never closed and a second block are all refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from elearn.content.gift_answers import parse_answers
from elearn.content.gift_text import WHITESPACE, Codec, GiftError, TextReader, parse_number, split_format
from elearn.content.gift_writer import GiftWriteError, write_gift
from elearn.content.issues import Issue, IssueList
from elearn.content.specs import QuestionSpec

__all__ = ["GiftWriteError", "parse_gift", "write_gift"]

_CATEGORY = "$CATEGORY:"
_LINE_END = re.compile(r"\r\n|\r|\n")
_TOKEN = re.compile(r"\[(id|tag|points|rule|order):((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CLOZE = re.compile(r"\d*:[A-Za-z_]+:")
_LineOf = Callable[[int], int]


@dataclass(frozen=True)
class _Line:
    number: int
    text: str  # trimmed


@dataclass
class _Meta:
    """What the comment lines of a question's block say about it."""

    ident: str | None = None
    tags: list[str] = field(default_factory=list)
    points: Decimal = Decimal(1)
    rule: Literal["count", "weights"] | None = None
    false_first: bool = False


def parse_gift(text: str, path: str, *, iframe_hosts: tuple[str, ...] = ()) -> tuple[list[QuestionSpec], list[Issue]]:
    """Read a GIFT bank into questions and the problems found (never raises)."""
    reader = _BankReader(path, Codec(text), iframe_hosts)
    text = _replace_surrogates(text, reader.issues)
    for block in _blocks(text):
        reader.read_block(block)
    return reader.questions, list(reader.issues.items)


def _replace_surrogates(text: str, issues: IssueList) -> str:
    """Lone surrogates (from undecodable bytes) cannot be rendered: report and replace them."""
    if _SURROGATE.search(text) is None:
        return text
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if _SURROGATE.search(line) is not None:
            issues.add(number, "this line is not valid Unicode text (save the file as UTF-8)")
    return _SURROGATE.sub("\ufffd", text)


def _blocks(text: str) -> Iterator[list[_Line]]:
    """Runs of non-blank lines; a line of only white space (any, even U+00A0) is blank."""
    block: list[_Line] = []
    for number, raw in enumerate(_LINE_END.split(text.removeprefix("\ufeff")), start=1):
        line = raw.strip(WHITESPACE)
        if line and not line.isspace():
            block.append(_Line(number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


class _BankReader:
    """The state carried from block to block: category, ids seen, results."""

    def __init__(self, path: str, codec: Codec, iframe_hosts: tuple[str, ...]) -> None:
        self.path = path
        self.codec = codec
        self.iframe_hosts = iframe_hosts
        self.issues = IssueList(path)
        self.questions: list[QuestionSpec] = []
        self.category = ""
        self.ident_lines: dict[str, int] = {}

    def read_block(self, block: list[_Line]) -> None:
        """Take one block: category line, comments, then at most one question."""
        comments = [line for line in block if line.text.startswith("//")]
        content = [line for line in block if not line.text.startswith("//")]
        if content and content[0].text.startswith(_CATEGORY):
            self.category = content[0].text[len(_CATEGORY) :].strip(WHITESPACE)
            content = content[1:]
        if not content:
            return
        meta = _read_meta(comments, self.issues)
        try:
            question = self._read_question(content)
        except GiftError as error:
            self.issues.add(error.line or content[0].number, error.message)
            return
        self._keep(_apply_meta(question, meta))

    def _keep(self, question: QuestionSpec) -> None:
        ident = question.ident
        if ident is not None and ident in self.ident_lines:
            first = self.ident_lines[ident]
            self.issues.add(question.line, f'duplicate question id "{ident}" (first used on line {first})')
            return
        if ident is not None:
            self.ident_lines[ident] = question.line
        self.questions.append(question)

    def _read_question(self, lines: list[_Line]) -> QuestionSpec:
        encoded = self.codec.encode("\n".join(line.text for line in lines))

        def line_of(offset: int) -> int:
            return lines[encoded.count("\n", 0, offset)].number

        title, start = _split_title(encoded)
        opening, closing = _find_block(encoded, start, line_of)
        answer_block = encoded[opening + 1 : closing]
        self._refuse_cloze(answer_block)
        _refuse_more_blocks(encoded, closing, line_of)
        after = encoded[closing + 1 :]
        blank = self.codec.blank if after.strip(WHITESPACE) else ""
        stem = (encoded[start:opening] + blank + after).strip(WHITESPACE)
        stem_format, stem_body = split_format(stem, "moodle")
        reader = TextReader(self.codec, stem_format, self.iframe_hosts)
        answers = parse_answers(answer_block, reader)
        return _question(
            answers,
            stem_html=reader.render(stem_body, stem_format),
            stem_source=self.codec.source(stem),
            path=self.path,
            line=lines[0].number,
            title=self.codec.decode(title).strip(WHITESPACE),
            category=self.category,
        )

    def _refuse_cloze(self, answer_block: str) -> None:
        match = _CLOZE.match(answer_block.strip(WHITESPACE))
        if match is not None:
            raise GiftError(
                f'embedded-answer (Cloze) syntax "{{{match.group(0)}" is not supported: '
                "write a GIFT answer block such as {=right ~wrong}"
            )


def _split_title(encoded: str) -> tuple[str, int]:
    """The ``::title::`` (escapes still hidden) and where the text after it starts."""
    if not encoded.startswith("::"):
        return "", 0
    end = encoded.find("::", 2)
    if end < 0:
        return "", 2  # as Moodle: an unfinished "::" is dropped and there is no title
    return encoded[2:end], end + 2


def _find_block(encoded: str, start: int, line_of: _LineOf) -> tuple[int, int]:
    """Offsets of the answer block's ``{`` and ``}``, or GiftError."""
    opening = encoded.find("{", start)
    closing = encoded.find("}", start)
    if opening < 0 and closing < 0:
        raise GiftError(
            'description item (text with no answer block "{...}") is not supported: '
            "put such text in the quiz's Markdown body"
        )
    if closing >= 0 and (opening < 0 or closing < opening):
        raise GiftError('unmatched "}" with no answer block open: write "\\}" for a literal brace', line_of(closing))
    if closing < 0:
        raise GiftError('unclosed answer block "{" (opened here): close it with "}"', line_of(opening))
    inner = encoded.find("{", opening + 1, closing)
    if inner >= 0:
        raise GiftError(
            f'unclosed answer block "{{" (opened here): another "{{" follows on line {line_of(inner)} '
            'before any "}" (write "\\{" for a literal brace)',
            line_of(opening),
        )
    return opening, closing


def _refuse_more_blocks(encoded: str, closing: int, line_of: _LineOf) -> None:
    """After the answer block only text may follow: no second block, no stray brace."""
    opening = encoded.find("{", closing + 1)
    stray = encoded.find("}", closing + 1)
    if stray >= 0 and (opening < 0 or stray < opening):
        raise GiftError('unmatched "}" with no answer block open: write "\\}" for a literal brace', line_of(stray))
    if opening >= 0:
        raise GiftError(
            f'two answer blocks in one question (the second "{{" is on line {line_of(opening)}): '
            'separate questions with a blank line, or write "\\{" for a literal brace'
        )


def _question(
    answers: QuestionSpec, *, stem_html: str, stem_source: str, path: str, line: int, title: str, category: str
) -> QuestionSpec:
    return replace(
        answers, stem_html=stem_html, stem_source=stem_source, path=path, line=line, title=title, category=category
    )


def _read_meta(comments: list[_Line], issues: IssueList) -> _Meta:
    """Tokens in the comment lines; the first of each single-valued kind wins (as Moodle's id)."""
    meta = _Meta()
    seen: set[str] = set()
    for line in comments:
        for match in _TOKEN.finditer(line.text):
            name, value = match.group(1), match.group(2).strip(WHITESPACE).replace("\\]", "]")
            if name == "tag":
                meta.tags.append(value)
            elif name not in seen:
                seen.add(name)
                _set_meta(meta, name, value, line.number, issues)
    return meta


def _set_meta(meta: _Meta, name: str, value: str, line: int, issues: IssueList) -> None:
    if name == "id":
        meta.ident = value or None
    elif name == "points":
        try:
            meta.points = parse_number(value, "[points:...]")
        except GiftError as error:
            issues.add(line, error.message)
            return
        if meta.points <= 0:
            meta.points = Decimal(1)
            issues.add(line, f"[points:{value}] must be a positive number")
    elif name == "rule":
        if value in ("count", "weights"):
            meta.rule = "count" if value == "count" else "weights"
        else:
            issues.add(line, f"[rule:{value}] must be [rule:count] or [rule:weights]")
    elif value in ("false-true", "true-false"):
        meta.false_first = value == "false-true"
    else:
        issues.add(line, f"[order:{value}] must be [order:false-true] or [order:true-false]")


def _apply_meta(question: QuestionSpec, meta: _Meta) -> QuestionSpec:
    choices = question.choices
    if meta.false_first and question.type == "truefalse":
        choices = choices[::-1]
    return replace(
        question,
        ident=meta.ident,
        tags=tuple(meta.tags),
        points=meta.points,
        multiple_rule=meta.rule or question.multiple_rule,
        choices=choices,
    )
