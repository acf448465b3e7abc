"""Front matter: splitting, typed keys, and every way it can be wrong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearn.content.coursemd import COURSE_SCHEMA
from elearn.content.frontmatter import Key, decode_source, parse_front_matter, read_front_matter
from elearn.content.issues import IssueList
from elearn.content.quizmd import QUIZ_SCHEMA

SCHEMA = {
    "title": Key("string", required=True),
    "code": Key("pattern", pattern=r"[A-Z]{2,4}", hint="2 to 4 capital letters"),
    "jp": Key("integer", minimum=1, maximum=200),
    "attempts": Key("integer", default=0, minimum=0),
    "pass": Key("number", default=Decimal(70), minimum=Decimal(0), maximum=Decimal(100)),
    "shuffle": Key("boolean", default=True),
    "level": Key("choice", default="dasar", choices=("dasar", "menengah", "lanjut")),
    "tags": Key("strings", default=()),
    "opens": Key("date"),
}


def parse(text: str) -> tuple[object, list[str]]:
    issues = IssueList("f.md")
    front = parse_front_matter(text, SCHEMA, issues)
    return front, [str(issue) for issue in issues.items]


def messages(text: str) -> list[str]:
    return parse(text)[1]


def test_a_file_without_front_matter_is_all_body_and_misses_required_keys() -> None:
    issues = IssueList("f.md")
    front = parse_front_matter("# Hello\n\ntext\n", SCHEMA, issues)
    assert front.body == "# Hello\n\ntext\n"
    assert front.body_line == 1
    assert [str(issue) for issue in issues.items] == ["f.md:1: missing required key 'title'"]


def test_front_matter_values_are_typed_and_defaults_filled_in() -> None:
    issues = IssueList("f.md")
    text = (
        "---\ntitle: no\ncode: ABC\njp: 20\npass: 72.5\nshuffle: false\nlevel: lanjut\n"
        "tags: [a, b]\nopens: 2025-01-31\n---\nbody line\n"
    )
    front = parse_front_matter(text, SCHEMA, issues)
    assert issues.items == []
    assert front.text("title") == "no"
    assert front.text("code") == "ABC"
    assert front.integer("jp") == 20
    assert front.integer("attempts") == 0
    assert front.number("pass") == Decimal("72.5")
    assert front.flag("shuffle") is False
    assert front.text("level") == "lanjut"
    assert front.strings("tags") == ("a", "b")
    assert front.date("opens") == dt.date(2025, 1, 31)
    assert front.body == "body line\n"
    assert front.body_line == 11
    assert front.line("jp") == 4
    assert front.line("missing") == 1


def test_numbers_and_booleans_in_string_fields_stay_as_written() -> None:
    front, problems = parse("---\ntitle: 2024\n---\n")
    assert problems == []
    assert front.text("title") == "2024"  # type: ignore[attr-defined]


def test_list_items_keep_their_lines() -> None:
    issues = IssueList("f.md")
    front = parse_front_matter("---\ntitle: t\ntags:\n  - a\n  - b\n---\n", SCHEMA, issues)
    assert front.item_lines["tags"] == (4, 5)


def test_an_unknown_key_suggests_the_closest_known_key() -> None:
    assert messages("---\ntitle: t\ntitel: x\n---\n") == ["f.md:3: unknown key 'titel' (did you mean 'title'?)"]


def test_an_unknown_key_without_a_close_match_lists_the_known_keys() -> None:
    assert messages("---\ntitle: t\nzzz: 1\n---\n") == [
        "f.md:3: unknown key 'zzz' (known keys: title, code, jp, attempts, pass, shuffle, level, tags, opens)"
    ]


def test_a_missing_required_key_is_reported_on_line_one() -> None:
    assert messages("---\njp: 3\n---\n") == ["f.md:1: missing required key 'title'"]


def test_a_duplicate_key_is_reported_where_it_repeats() -> None:
    assert messages("---\ntitle: a\njp: 2\ntitle: b\n---\n") == ["f.md:4: duplicate key 'title' (first on line 2)"]


def test_wrong_types_are_reported_at_the_value_line_naming_key_and_type() -> None:
    text = (
        "---\ntitle:\n  - a list\njp: many\npass: high\nshuffle: yes\nlevel: expert\n"
        "tags: one\nopens: 31-01-2025\ncode: abc\nattempts: -1\n---\n"
    )
    assert messages(text) == [
        "f.md:3: 'title' must be a string (got a list)",
        "f.md:4: 'jp' must be a whole number (got 'many')",
        "f.md:5: 'pass' must be a number (got 'high')",
        "f.md:6: 'shuffle' must be true or false (got 'yes')",
        "f.md:7: 'level' must be one of: dasar, menengah, lanjut (got 'expert')",
        "f.md:8: 'tags' must be a list of strings, e.g. [a, b] (got 'one')",
        "f.md:9: 'opens' must be a date written YYYY-MM-DD (got '31-01-2025')",
        "f.md:10: 'code' must be 2 to 4 capital letters (got 'abc')",
        "f.md:11: 'attempts' must be 0 or more (got -1)",
    ]


def test_out_of_range_numbers_name_the_range() -> None:
    assert messages("---\ntitle: t\njp: 201\npass: 100.5\n---\n") == [
        "f.md:3: 'jp' must be from 1 to 200 (got 201)",
        "f.md:4: 'pass' must be from 0 to 100 (got 100.5)",
    ]


def test_yes_and_no_are_not_booleans_but_true_and_false_are() -> None:
    assert messages("---\ntitle: t\nshuffle: no\n---\n") == ["f.md:3: 'shuffle' must be true or false (got 'no')"]
    front, problems = parse("---\ntitle: t\nshuffle: True\n---\n")
    assert problems == []
    assert front.flag("shuffle") is True  # type: ignore[attr-defined]


def test_a_quoted_number_is_not_an_integer() -> None:
    assert messages('---\ntitle: t\njp: "20"\n---\n') == ["f.md:3: 'jp' must be a whole number (got '20')"]


def test_an_impossible_date_is_refused() -> None:
    assert messages("---\ntitle: t\nopens: 2025-02-30\n---\n") == [
        "f.md:3: 'opens' must be a date written YYYY-MM-DD (got '2025-02-30')"
    ]


def test_an_empty_value_and_an_empty_string_are_refused() -> None:
    assert messages("---\ntitle: ''\njp:\n---\n") == [
        "f.md:2: 'title' must not be empty",
        "f.md:3: 'jp' has no value: write one or remove the key",
    ]


def test_bad_list_items_are_reported_at_their_own_line() -> None:
    assert messages("---\ntitle: t\ntags:\n  - ok\n  - {a: b}\n  - ''\n---\n") == [
        "f.md:5: each item of 'tags' must be a string (got a mapping)",
        "f.md:6: an item of 'tags' is empty",
    ]


def test_an_unclosed_bracket_is_reported_at_the_line_where_it_opens() -> None:
    # The wording is libyaml's (or PyYAML's pure-Python loader's, without libyaml).
    (message,) = messages("---\ntitle: t\ntags: [a, b\njp: 2\n---\nbody\n")
    assert message.startswith("f.md:3: invalid YAML: ")
    assert message.endswith("(while parsing a flow sequence)")


def test_invalid_yaml_is_reported_at_the_file_line_of_the_error() -> None:
    (message,) = messages("---\ntitle: t\njp: 2\n  bad: indent\n---\nbody\n")
    assert message.startswith("f.md:4: invalid YAML: mapping values are not allowed")


def test_invalid_yaml_still_gives_the_body_and_its_line() -> None:
    issues = IssueList("f.md")
    front = parse_front_matter("---\n: : :\n---\nbody\n", SCHEMA, issues)
    assert front.body == "body\n"
    assert front.body_line == 4
    assert len(issues.items) == 1
    assert issues.items[0].line == 2
    assert "invalid YAML" in issues.items[0].message


def test_front_matter_that_is_not_a_mapping_is_refused() -> None:
    assert messages("---\n- a\n- b\n---\n") == ["f.md:2: front matter must be 'key: value' lines"]


def test_front_matter_never_closed_is_reported_on_line_one() -> None:
    assert messages("---\ntitle: t\nbody\n") == [
        "f.md:1: front matter opened with '---' on line 1 is never closed by a '---' line"
    ]


def test_a_non_utf8_file_is_one_issue_on_line_one_naming_the_bad_line() -> None:
    issues = IssueList("f.md")
    assert read_front_matter(b"---\ntitle: t\n---\ncaf\xe9\n", SCHEMA, issues) is None
    assert [str(issue) for issue in issues.items] == [
        "f.md:1: file is not valid UTF-8 (first invalid byte on line 4); save it as UTF-8"
    ]


def test_crlf_line_ends_and_a_byte_order_mark_are_accepted() -> None:
    issues = IssueList("f.md")
    text = decode_source("\ufeff---\r\ntitle: t\r\n---\r\nbody\r\n".encode(), issues)
    assert text == "---\ntitle: t\n---\nbody\n"
    front = parse_front_matter(text, SCHEMA, issues)
    assert issues.items == []
    assert front.text("title") == "t"


def test_several_problems_are_all_reported_at_once() -> None:
    problems = messages("---\ntitel: t\njp: 0\nshuffle: 1\ntitel: u\n---\n")
    assert problems == [
        "f.md:2: unknown key 'titel' (did you mean 'title'?)",
        "f.md:3: 'jp' must be from 1 to 200 (got 0)",
        "f.md:4: 'shuffle' must be true or false (got '1')",
        "f.md:5: unknown key 'titel' (did you mean 'title'?)",
        "f.md:1: missing required key 'title'",
    ]


FRONT_MATTER_LINES = [
    "---",
    "...",
    "code: AB",
    "title: no",
    "jp: 300",
    "tags: [a",
    "tags:",
    "- a",
    "  - b",
    "opens: 2024-02-30",
    "titel: z",
    "? [a]\n: b",
    "&a x: *a",
    "level: {a: b}",
    "\x00",
    "\t",
    "pass: .5",
    "include: [x.gift]",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRONT_MATTER_LINES) | st.text(max_size=30), max_size=12), st.booleans())
def test_front_matter_parsing_never_raises_on_arbitrary_text(lines: list[str], fenced: bool) -> None:
    text = ("---\n" if fenced else "") + "\n".join(lines)
    for schema in (COURSE_SCHEMA, QUIZ_SCHEMA, SCHEMA):
        issues = IssueList("f.md")
        front = parse_front_matter(text, schema, issues)
        assert front.body_line >= 1
        assert all(issue.line >= 1 for issue in issues.items)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_reading_arbitrary_bytes_never_raises(data: bytes) -> None:
    read_front_matter(data, COURSE_SCHEMA, IssueList("f.md"))
