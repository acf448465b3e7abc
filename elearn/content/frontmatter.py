"""Front matter: split ``---`` YAML from a Markdown body and check it against a schema.

PyYAML's ``compose()`` keeps every node's line and every duplicate key, and
leaves scalars as written, so ``title: no`` stays the string ``"no"`` and
``shuffle: yes`` can be refused instead of silently becoming ``True``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import yaml

from elearn.content.issues import IssueList

KeyKind = Literal["string", "pattern", "integer", "number", "boolean", "choice", "strings", "date"]
Value = str | int | Decimal | bool | tuple[str, ...] | dt.date | None

_DELIMITER = "---"
_CLOSERS = ("---", "...")
_INTEGER = re.compile(r"[-+]?\d+")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOOLEANS = {"true": True, "false": False}

# libyaml (in PyYAML's wheels) composes the same nodes, with the same marks,
# several times faster than the pure-Python loader; front matter is most of a
# reload's parse time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Key:
    """How one front matter key is typed, checked and defaulted."""

    kind: KeyKind
    required: bool = False
    default: Value = None
    pattern: str = ""  # for kind "pattern": the regex the whole value must match
    hint: str = ""  # for kind "pattern": what the regex means, in words
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    choices: tuple[str, ...] = ()


Schema = Mapping[str, Key]


@dataclass(frozen=True)
class FrontMatter:
    """Checked front matter (defaults filled in) and the body that follows it.

    ``lines`` holds the file line of each key the author wrote, ``item_lines``
    the line of each item of list keys; ``body_line`` is the file line of the
    body's first line, so body parsers can report file lines.
    """

    values: Mapping[str, Value] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    item_lines: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line(self, key: str) -> int:
        """The file line of ``key``, or 1 when the author did not write it."""
        return self.lines.get(key, 1)

    def text(self, key: str) -> str | None:
        """A string (also pattern and choice) value, or None."""
        value = self.values.get(key)
        return value if isinstance(value, str) else None

    def integer(self, key: str) -> int | None:
        """An integer value, or None."""
        value = self.values.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def number(self, key: str) -> Decimal | None:
        """A Decimal value, or None."""
        value = self.values.get(key)
        return value if isinstance(value, Decimal) else None

    def flag(self, key: str) -> bool:
        """A boolean value (False when absent and without default)."""
        return self.values.get(key) is True

    def strings(self, key: str) -> tuple[str, ...]:
        """A list-of-strings value, or an empty tuple."""
        value = self.values.get(key)
        return value if isinstance(value, tuple) else ()

    def date(self, key: str) -> dt.date | None:
        """A date value, or None."""
        value = self.values.get(key)
        return value if isinstance(value, dt.date) else None


def decode_source(data: bytes, issues: IssueList) -> str | None:
    """Decode UTF-8 (a BOM is dropped) with ``\\n`` line ends, or report the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad_line = data.count(b"\n", 0, error.start) + 1
        issues.add(1, f"file is not valid UTF-8 (first invalid byte on line {bad_line}); save it as UTF-8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_front_matter(data: bytes, schema: Schema, issues: IssueList) -> FrontMatter | None:
    """Decode a file and parse its front matter; None when it is not UTF-8."""
    text = decode_source(data, issues)
    return None if text is None else parse_front_matter(text, schema, issues)


def parse_front_matter(text: str, schema: Schema, issues: IssueList) -> FrontMatter:
    """Split front matter from the body and check it against ``schema``; never raises."""
    lines = text.split("\n")
    if lines[0].rstrip() != _DELIMITER:
        return _checked(None, schema, issues, body=text, body_line=1)
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _CLOSERS), None)
    if close is None:
        issues.add(1, "front matter opened with '---' on line 1 is never closed by a '---' line")
        return FrontMatter(values=_defaults(schema), body="", body_line=len(lines) + 1)
    body = "\n".join(lines[close + 1 :])
    try:
        node = yaml.compose("\n".join(lines[1:close]), Loader=_LOADER)
    except (yaml.YAMLError, RecursionError) as error:
        issues.add(_yaml_error_line(error, lines[1:close]), f"invalid YAML: {_yaml_problem(error)}")
        return FrontMatter(values=_defaults(schema), body=body, body_line=close + 2)
    if node is not None and not isinstance(node, yaml.MappingNode):
        issues.add(_line(node), "front matter must be 'key: value' lines")
        return FrontMatter(values=_defaults(schema), body=body, body_line=close + 2)
    return _checked(node, schema, issues, body=body, body_line=close + 2)


def _yaml_error_line(error: BaseException, yaml_lines: list[str]) -> int:
    """The file line of a YAML error (the YAML text starts on file line 2)."""
    if isinstance(error, yaml.MarkedYAMLError):
        # An unclosed bracket or quote is reported where it opens (content-format.md section 6);
        # other problems where the parser stumbled.
        opened = error.context_mark is not None and any(w in (error.context or "") for w in ("flow", "quoted"))
        mark = error.context_mark if opened else (error.problem_mark or error.context_mark)
        if mark is not None:
            return mark.line + 2
    if isinstance(error, yaml.reader.ReaderError):
        return "\n".join(yaml_lines)[: error.position].count("\n") + 2
    return 2


def _yaml_problem(error: BaseException) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        problem = error.problem or "unreadable"
        return f"{problem} ({error.context})" if error.context else problem
    if isinstance(error, yaml.reader.ReaderError):
        return f"character {error.character!r} is not allowed"
    return "nested too deeply"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 2


def _defaults(schema: Schema) -> dict[str, Value]:
    return {name: key.default for name, key in schema.items()}


def _checked(
    node: yaml.MappingNode | None, schema: Schema, issues: IssueList, *, body: str, body_line: int
) -> FrontMatter:
    values = _defaults(schema)
    lines: dict[str, int] = {}
    item_lines: dict[str, tuple[int, ...]] = {}
    for key_node, value_node in node.value if node is not None else []:
        name = _key_name(key_node, schema, issues)
        if name is None:
            continue
        if name in lines:
            issues.add(_line(key_node), f"duplicate key '{name}' (first on line {lines[name]})")
            continue
        lines[name] = _line(key_node)
        value = _convert(name, schema[name], value_node, issues)
        if value is not None:
            values[name] = value
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[name] = tuple(_line(item) for item in value_node.value)
    for name, key in schema.items():
        if key.required and name not in lines:
            issues.add(1, f"missing required key '{name}'")
    return FrontMatter(values=values, lines=lines, item_lines=item_lines, body=body, body_line=body_line)


def _key_name(node: yaml.Node, schema: Schema, issues: IssueList) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        issues.add(_line(node), "front matter keys must be plain words")
        return None
    name = str(node.value)
    if name in schema:
        return name
    close = difflib.get_close_matches(name, list(schema), n=1, cutoff=0.6)
    if close:
        issues.add(_line(node), f"unknown key '{name}' (did you mean '{close[0]}'?)")
    else:
        issues.add(_line(node), f"unknown key '{name}' (known keys: {', '.join(schema)})")
    return None


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return repr(str(node.value))


def _convert(name: str, key: Key, node: yaml.Node, issues: IssueList) -> Value:
    """The typed value of ``node``, or None after reporting why it is wrong."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        issues.add(_line(node), f"'{name}' has no value: write one or remove the key")
        return None
    if key.kind == "strings":
        return _strings(name, node, issues)
    if not isinstance(node, yaml.ScalarNode):
        expected = f"one of: {', '.join(key.choices)}" if key.kind == "choice" else _EXPECTED[key.kind]
        issues.add(_line(node), f"'{name}' must be {expected} (got {_describe(node)})")
        return None
    return _SCALARS[key.kind](name, key, node, issues)


def _strings(name: str, node: yaml.Node, issues: IssueList) -> Value:
    if not isinstance(node, yaml.SequenceNode):
        issues.add(_line(node), f"'{name}' must be a list of strings, e.g. [a, b] (got {_describe(node)})")
        return None
    items: list[str] = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or item.tag == "tag:yaml.org,2002:null":
            issues.add(_line(item), f"each item of '{name}' must be a string (got {_describe(item)})")
        elif not str(item.value).strip():
            issues.add(_line(item), f"an item of '{name}' is empty")
        else:
            items.append(str(item.value))
    return tuple(items)


def _string(name: str, key: Key, node: yaml.ScalarNode, issues: IssueList) -> Value:
    value = str(node.value)
    if not value.strip():
        issues.add(_line(node), f"'{name}' must not be empty")
        return None
    return value


def _pattern(name: str, key: Key, node: yaml.ScalarNode, issues: IssueList) -> Value:
    value = str(node.value)
    if re.fullmatch(key.pattern, value) is None:
        issues.add(_line(node), f"'{name}' must be {key.hint or 'like ' + key.pattern} (got {value!r})")
        return None
    return value


def _choice(name: str, key: Key, node: yaml.ScalarNode, issues: IssueList) -> Value:
    value = str(node.value)
    if value not in key.choices:
        issues.add(_line(node), f"'{name}' must be one of: {', '.join(key.choices)} (got {value!r})")
        return None
    return value


def _boolean(name: str, key: Key, node: yaml.ScalarNode, issues: IssueList) -> Value:
    value = str(node.value)
    if node.tag != "tag:yaml.org,2002:bool" or value.lower() not in _BOOLEANS:
        issues.add(_line(node), f"'{name}' must be true or false (got {value!r})")
        return None
    return _BOOLEANS[value.lower()]


def _integer(name: str, key: Key, node: yaml.ScalarNode, issues: IssueList) -> Value:
    value = str(node.value)
    if node.tag != "tag:yaml.org,2002:int" or _INTEGER.fullmatch(value) is None:
        issues.add(_line(node), f"'{name}' must be a whole number (got {value!r})")
        return None
    return int(value) if _in_range(name, key, int(value), node, issues) else None


def _number(name: str, key: Key, node: yaml.ScalarNode, issues: IssueList) -> Value:
    value = str(node.value)
    is_numeric = node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    if not is_numeric or _NUMBER.fullmatch(value) is None:
        issues.add(_line(node), f"'{name}' must be a number (got {value!r})")
        return None
    return Decimal(value) if _in_range(name, key, Decimal(value), node, issues) else None


def _in_range(name: str, key: Key, value: int | Decimal, node: yaml.Node, issues: IssueList) -> bool:
    low, high = key.minimum, key.maximum
    if (low is None or value >= low) and (high is None or value <= high):
        return True
    if low is not None and high is not None:
        issues.add(_line(node), f"'{name}' must be from {low} to {high} (got {value})")
    elif low is not None:
        issues.add(_line(node), f"'{name}' must be {low} or more (got {value})")
    else:
        issues.add(_line(node), f"'{name}' must be {high} or less (got {value})")
    return False


def _date(name: str, key: Key, node: yaml.ScalarNode, issues: IssueList) -> Value:
    value = str(node.value)
    try:
        if _DATE.fullmatch(value) is None:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        issues.add(_line(node), f"'{name}' must be a date written YYYY-MM-DD (got {value!r})")
        return None


_EXPECTED: dict[KeyKind, str] = {
    "string": "a string",
    "pattern": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "strings": "a list of strings",
    "date": "a date written YYYY-MM-DD",
}
_SCALARS = {
    "string": _string,
    "pattern": _pattern,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "choice": _choice,
    "date": _date,
}
