"""``QuestionSpec`` to GIFT that Moodle imports and ``parse_gift`` reads back equal.

Every HTML piece is written as ``[html]`` with GIFT escapes (``\\ ~ = # { } :``
and ``\\n`` for a line break) on one line, so HTML survives both importers;
the stem always carries ``[html]``, which makes it the default for the
answers too (the right-hand side of a matching pair takes no prefix in
Moodle, so it relies on that default). What Moodle has no syntax for goes
in a comment line above the question, as tokens Moodle ignores:
``[points:N]``, ``[rule:count]``/``[rule:weights]`` and ``[order:false-true]``
(see ``gift.py``).

Equality is that of ``QuestionSpec.content()`` apart from ``stem_source``,
for questions as the parsers make them (canonical weights, sanitised HTML).
A question GIFT cannot carry (a short answer containing ``->`` beside other
answers, fewer than two options or pairs, ...) raises ``GiftWriteError``
rather than being written wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from elearn.content.gift_text import ESCAPES, WHITESPACE, fraction_to_percent
from elearn.content.specs import Choice, NumberAnswer, QuestionSpec, QuestionType, TextAnswer

_ESCAPE_TABLE = str.maketrans({meaning: "\\" + char for char, meaning in ESCAPES.items()})


class GiftWriteError(ValueError):
    """A question that GIFT cannot carry without changing it."""


def write_gift(questions: Sequence[QuestionSpec]) -> str:
    """GIFT text for ``questions``, with ``$CATEGORY:`` lines where the category changes."""
    parts: list[str] = []
    category = ""
    for question in questions:
        if question.category != category:
            if any(end in question.category for end in "\r\n"):
                raise _refuse(question, "a category cannot hold a line break")
            parts.append(f"$CATEGORY: {question.category}\n")
            category = question.category
        parts.append(_write_question(question))
    return "\n".join(parts)


def escape(text: str) -> str:
    """Text with GIFT's special characters escaped and line breaks as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ESCAPE_TABLE)


def _escape_html(html: str) -> str:
    # "->" would split a matching answer; as "-&gt;" it sanitises back to the same HTML.
    html = html.replace("->", "-&gt;")
    # White space at either end would be trimmed away; a character reference keeps it.
    body = html.strip(WHITESPACE)
    lead = len(html) - len(html.lstrip(WHITESPACE))
    head, tail = html[:lead], html[lead + len(body) :]
    return escape(_references(head) + body + _references(tail))


def _references(text: str) -> str:
    return "".join(f"&#{ord(char)};" for char in text)


def _html(html: str) -> str:
    return "[html]" + _escape_html(html) if html else ""


def _feedback(html: str) -> str:
    return "#" + _html(html) if html else ""


def _refuse(question: QuestionSpec, reason: str) -> GiftWriteError:
    where = f"{question.path}:{question.line}: " if question.path else ""
    return GiftWriteError(f"{where}cannot write this {question.type} question as GIFT: {reason}")


def _write_question(question: QuestionSpec) -> str:
    tokens = _tokens(question)
    head = f"// {' '.join(tokens)}\n" if tokens else ""
    title = f"::{escape(question.title)}::" if question.title else ""
    lines = _BLOCK_WRITERS[question.type](question)
    if question.general_feedback_html:
        lines.append("####" + _html(question.general_feedback_html))
    block = "{\n" + "".join(f"\t{line}\n" for line in lines) + "}"
    return f"{head}{title}[html]{_escape_html(question.stem_html)}{block}\n"


def _tokens(question: QuestionSpec) -> list[str]:
    """Comment tokens for what GIFT itself cannot say."""
    tokens = [f"[id:{_token_value(question.ident)}]"] if question.ident is not None else []
    tokens += [f"[tag:{_token_value(tag)}]" for tag in question.tags]
    if str(question.points) != "1":
        tokens.append(f"[points:{question.points}]")
    if question.multiple_rule != ("weights" if question.type == "multiple" else "count"):
        tokens.append(f"[rule:{question.multiple_rule}]")
    if question.type == "truefalse" and [choice.key for choice in question.choices] == ["false", "true"]:
        tokens.append("[order:false-true]")
    return tokens


def _token_value(value: str) -> str:
    return value.replace("]", "\\]")


def _weight(weight: Decimal) -> str:
    return f"%{fraction_to_percent(weight)}%"


def _essay_lines(question: QuestionSpec) -> list[str]:
    return []


def _choice_lines(question: QuestionSpec) -> list[str]:
    choices = question.choices
    if len(choices) < 2:
        raise _refuse(question, "GIFT needs at least two options")
    marks = [_choice_mark(choice, question.type) for choice in choices]
    if question.type == "single":
        _mark_single(question, marks)
    return [
        mark + _html(choice.html) + _feedback(choice.feedback_html) for mark, choice in zip(marks, choices, strict=True)
    ]


def _choice_mark(choice: Choice, question_type: QuestionType) -> str:
    # A "=" makes the question single choice in Moodle, so only single uses it.
    if question_type == "single" and choice.weight == 1:
        return "="
    return "~" if choice.weight == 0 else "~" + _weight(choice.weight)


def _mark_single(question: QuestionSpec, marks: list[str]) -> None:
    """Make the block read as single choice: at least one "=" and one "~"."""
    if "=" not in marks:
        best = max(range(len(marks)), key=lambda index: question.choices[index].weight)
        if question.choices[best].weight <= 0:
            raise _refuse(question, "no option is right")
        # "=%50%" is our extension: Moodle reads it as fully right.
        marks[best] = "=" + _weight(question.choices[best].weight)
    if all(mark == "=" for mark in marks):
        marks[-1] = "~" + _weight(Decimal(1))  # without a "~" the block would read as short answers


def _truefalse_lines(question: QuestionSpec) -> list[str]:
    by_key = {choice.key: choice for choice in question.choices}
    true, false = by_key.get("true"), by_key.get("false")
    if len(question.choices) != 2 or true is None or false is None:
        raise _refuse(question, 'it needs exactly the options "true" and "false"')
    right, wrong = (true, false) if true.weight > false.weight else (false, true)
    if right.weight != 1 or wrong.weight != 0 or right.html or wrong.html:
        raise _refuse(question, "GIFT true/false weighs 1 and 0 and has no option text")
    text = "TRUE" if right is true else "FALSE"
    if wrong.feedback_html or right.feedback_html:
        text += "#" + _html(wrong.feedback_html)
    if right.feedback_html:
        text += "#" + _html(right.feedback_html)
    return [text]


def _short_lines(question: QuestionSpec) -> list[str]:
    answers = question.text_answers
    if not answers:
        raise _refuse(question, "it has no answer")
    if any("->" in answer.text for answer in answers):
        # With "=" and "->" in one block Moodle reads matching; a lone answer needs no "=".
        if len(answers) > 1:
            raise _refuse(question, 'only a lone short answer may contain "->"')
        return [_short_answer(answers[0], "")]
    return [_short_answer(answer, "=") for answer in answers]


def _short_answer(answer: TextAnswer, mark: str) -> str:
    text = escape(answer.text) if answer.is_pattern else escape(answer.text).replace("*", "\\*")
    # A text starting with "%" needs its weight written, else it would be read as one.
    weight = "" if answer.weight == 1 and not text.startswith("%") else _weight(answer.weight)
    if text.startswith("["):
        text = "[plain]" + text  # else a leading "[html]" would be read as a format
    return mark + weight + text + _feedback(answer.feedback_html)


def _numerical_lines(question: QuestionSpec) -> list[str]:
    if not question.number_answers:
        raise _refuse(question, "it has no number")
    lines = ["#"] + ["=" + _number_answer(answer) for answer in question.number_answers]
    if question.other_feedback_html:
        lines.append("~" + _feedback(question.other_feedback_html))
    return lines


def _number_answer(answer: NumberAnswer) -> str:
    if answer.value is None:
        number = f"{answer.low}..{answer.high}"
    elif answer.tolerance is None:
        number = str(answer.value)
    else:
        number = f"{answer.value}:{answer.tolerance}"
    weight = "" if answer.weight == 1 else _weight(answer.weight)
    return weight + number + _feedback(answer.feedback_html)


def _matching_lines(question: QuestionSpec) -> list[str]:
    if len(question.pairs) < 2:
        raise _refuse(question, "GIFT needs at least two pairs")
    lines = [f"={_html(pair.left_html)} -> {_escape_html(pair.right_html)}" for pair in question.pairs]
    return lines + [f"= -> {_escape_html(right)}" for right in question.distractors]


_BLOCK_WRITERS: dict[QuestionType, Callable[[QuestionSpec], list[str]]] = {
    "single": _choice_lines,
    "multiple": _choice_lines,
    "truefalse": _truefalse_lines,
    "short": _short_lines,
    "numerical": _numerical_lines,
    "matching": _matching_lines,
    "essay": _essay_lines,
}
