"""The answer block ``{...}`` of a GIFT question: its type and typed answers.

Follows Moodle's ``qformat_gift::readquestion`` step by step (the order in
which the type is recognised, splitting on unescaped ``=`` ``~`` ``#``,
trimming, the first piece before any ``=``/``~`` counting as an answer) so
that a bank reads here as it does in Moodle. Where Moodle would silently
import something broken (an empty option, a pair without ``->``, a choice
with nothing right) this raises ``GiftError`` instead.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from elearn.content.gift_text import (
    WHITESPACE,
    GiftError,
    TextReader,
    parse_number,
    shorten,
    spread,
    take_weight,
)
from elearn.content.specs import Choice, NumberAnswer, Pair, QuestionSpec, QuestionType, TextAnswer

_TRUE = ("T", "TRUE")
_FALSE = ("F", "FALSE")
_BARE_STAR = re.compile(r"(?<!\\)\*")
_CHOICE_HINT = 'an unescaped "=" or "~" starts a new answer (write "\\=" or "\\~" for the character)'
_SHORT_HINT = 'an unescaped "=" starts a new answer (write "\\=" for the character)'


def _answers(type_: QuestionType, **fields: Any) -> QuestionSpec:
    """What an answer block says: a question whose stem and place are filled in later."""
    return QuestionSpec(type=type_, stem_html="", stem_source="", **fields)


def parse_answers(block: str, reader: TextReader) -> QuestionSpec:
    """Read an encoded answer block (without its braces); GiftError if it is refused."""
    body = block.strip(WHITESPACE)
    general = body.rfind("####")
    general_html = ""
    if general >= 0:
        general_html = reader.html(body[general + 4 :])
        body = body[:general].strip(WHITESPACE)
    return replace(_parse_body(body, reader), general_feedback_html=general_html)


def _parse_body(body: str, reader: TextReader) -> QuestionSpec:
    # Moodle's order of recognition; it decides, e.g., that {=a -> b ~c} is a choice.
    if body == "":
        return _answers("essay")
    if body.startswith("#"):
        return _numerical(body[1:], reader)
    if "~" in body:
        return _choice(body, reader)
    if "=" in body and "->" in body:
        return _matching(body, reader)
    if body.split("#", 1)[0].strip(WHITESPACE) in _TRUE + _FALSE:
        return _truefalse(body, reader)
    return _short(body, reader)


def _split_answers(body: str, separator: str) -> list[str]:
    """Moodle's explode: a first piece that is empty once trimmed is dropped."""
    pieces = body.split(separator)
    if pieces[0].strip(WHITESPACE) == "":
        pieces.pop(0)
    return [piece.strip(WHITESPACE) for piece in pieces]


def _quoted(source: str) -> str:
    return f' "{source}"' if source else ""


def _split_feedback(piece: str) -> tuple[str, str]:
    text, _hash, feedback = piece.partition("#")
    return text, feedback


def _feedback_html(feedback: str, reader: TextReader) -> str:
    return reader.html(feedback) if feedback.strip(WHITESPACE) else ""


def _choice(body: str, reader: TextReader) -> QuestionSpec:
    pieces = _drop_tilde_before_equals(_split_answers(body.replace("=", "~="), "~"))
    choices = tuple(_choice_option(piece, reader) for piece in pieces)
    if len(choices) < 2:
        raise GiftError("a choice block needs at least two options (write {=right ~wrong})")
    if not any(choice.weight > 0 for choice in choices):
        raise GiftError(
            'nothing is right in this choice block: mark the right option with "=" '
            "or give options a positive weight such as ~%50%"
        )
    if "=" in body:
        return _answers("single", choices=choices)
    return _answers("multiple", choices=choices, multiple_rule="weights")


def _drop_tilde_before_equals(pieces: list[str]) -> list[str]:
    """Read ``~=answer`` (also ``~ =answer``) as Moodle does: a right answer.

    Every ``=`` became ``~=`` before splitting, so ``~=`` leaves an empty piece
    right before a piece starting with ``=``. Moodle imports that empty wrong
    answer and then skips it when saving; it is dropped here. Any other empty
    piece (``{=a ~ ~b}``, ``{=a = ~b}``) is still refused as an empty option.
    """
    return [
        piece
        for index, piece in enumerate(pieces)
        if piece != "" or index + 1 == len(pieces) or not pieces[index + 1].startswith("=")
    ]


def _choice_option(piece: str, reader: TextReader) -> Choice:
    right = piece.startswith("=")
    weight, rest = take_weight(piece[1:] if right else piece)
    if weight is None:
        weight = Decimal(1) if right else Decimal(0)
    text, feedback = _split_feedback(rest)
    html = reader.html(text)
    if html.strip(WHITESPACE) == "":
        raise GiftError(f"empty option{_quoted(reader.source(piece))} in a choice block: {_CHOICE_HINT}")
    return Choice(html=html, weight=weight, feedback_html=_feedback_html(feedback, reader))


def _matching(body: str, reader: TextReader) -> QuestionSpec:
    pairs: list[Pair] = []
    distractors: list[str] = []
    for piece in _split_answers(body, "="):
        left, arrow, right = piece.partition("->")
        if not arrow:
            raise GiftError(
                f'matching answer "{reader.source(piece)}" has no "->": an unescaped "=" starts '
                'a new answer (write "\\=" for the character)'
            )
        # Moodle reads the right-hand side without a format prefix, in the question's format.
        right_html = reader.render(right, reader.default_format)
        if right_html.strip(WHITESPACE) == "":
            raise GiftError(f'matching answer "{reader.source(piece)}" has nothing after "->"')
        if reader.plain(left) == "":
            distractors.append(right_html)
            continue
        left_html = reader.html(left)
        if left_html.strip(WHITESPACE) == "":
            raise GiftError(f'matching answer "{reader.source(piece)}" is empty once unsafe HTML is removed')
        pairs.append(Pair(left_html=left_html, right_html=right_html))
    if len(pairs) < 2:
        raise GiftError(f'a matching block needs at least two pairs "=left -> right" (found {len(pairs)})')
    return _answers("matching", pairs=tuple(pairs), distractors=tuple(distractors))


def _truefalse(body: str, reader: TextReader) -> QuestionSpec:
    parts = body.split("#", 2) + ["", ""]
    is_true = parts[0].strip(WHITESPACE) in _TRUE
    wrong = _feedback_html(parts[1], reader)
    right = _feedback_html(parts[2], reader)
    true = Choice("", Decimal(1 if is_true else 0), right if is_true else wrong, key="true")
    false = Choice("", Decimal(0 if is_true else 1), wrong if is_true else right, key="false")
    return _answers("truefalse", choices=(true, false))


def _short(body: str, reader: TextReader) -> QuestionSpec:
    answers = tuple(_text_answer(piece, reader) for piece in _split_answers(body, "="))
    if not answers:
        raise GiftError("a short-answer block needs at least one answer (write {=answer})")
    return _answers("short", text_answers=answers)


def _text_answer(piece: str, reader: TextReader) -> TextAnswer:
    weight, rest = take_weight(piece)
    text_part, feedback = _split_feedback(rest)
    text = reader.plain(text_part)
    if text == "":
        raise GiftError(f"empty answer{_quoted(reader.source(piece))} in a short-answer block: {_SHORT_HINT}")
    # Convention: with a bare "*" the text is a pattern in which "\*" is a literal
    # star; without one, the text is literal, so its "\*" escapes are resolved.
    is_pattern = _BARE_STAR.search(text) is not None
    return TextAnswer(
        text=text if is_pattern else text.replace("\\*", "*"),
        weight=Decimal(1) if weight is None else weight,
        is_pattern=is_pattern,
        feedback_html=_feedback_html(feedback, reader),
    )


def _numerical(body: str, reader: TextReader) -> QuestionSpec:
    other_html = ""
    tilde = body.find("~")
    if tilde >= 0:
        # As in Moodle, "~" starts the feedback for any other number; text before its "#" is unused.
        other_html = _feedback_html(_split_feedback(body[tilde + 1 :])[1], reader)
        body = body[:tilde]
    pieces = _split_answers(body, "=")
    if not pieces:
        raise GiftError("a numerical block needs at least one number (write {#3.14:0.01} or {#1..5})")
    answers = tuple(_number_answer(piece, reader) for piece in pieces)
    return _answers("numerical", number_answers=answers, other_feedback_html=other_html)


def _number_answer(piece: str, reader: TextReader) -> NumberAnswer:
    weight, rest = take_weight(piece)
    text_part, feedback = _split_feedback(rest)
    text = reader.plain(text_part)
    weight = Decimal(1) if weight is None else weight
    feedback_html = _feedback_html(feedback, reader)
    dots = text.find("..")
    if dots > 0:
        low = parse_number(text[:dots].strip(WHITESPACE), "numerical range start")
        high = parse_number(text[dots + 2 :].strip(WHITESPACE), "numerical range end")
        if low > high:
            raise GiftError(f'numerical range "{shorten(text)}" runs backwards: write the low end first')
        return NumberAnswer(low=low, high=high, weight=weight, feedback_html=feedback_html)
    colon = text.find(":")
    if colon > 0:
        value = parse_number(text[:colon].strip(WHITESPACE), "numerical answer")
        tolerance = parse_number(text[colon + 1 :].strip(WHITESPACE), "numerical tolerance")
        low, high = spread(value, tolerance)
        return NumberAnswer(low, high, value, tolerance, weight=weight, feedback_html=feedback_html)
    value = parse_number(text, "numerical answer")
    return NumberAnswer(low=value, high=value, value=value, weight=weight, feedback_html=feedback_html)
