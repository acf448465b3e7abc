"""Catalogue search: every word anywhere (title, summary, tags, code, lesson titles), case- and
accent-insensitive, through the database's own full-text search; hostile text stays inert."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from elearn.accounts.models import User
from elearn.catalogue.search import MAX_QUERY_LENGTH, fts5_query, query_terms, search_document, tsquery
from tests.coursetree import build_course, write
from tests.factories import load_content


def test_words_are_folded_unaccented_and_split_at_punctuation() -> None:
    assert search_document("LD-101", "Literasi Digítal", "Café, kopi!", ["Keamanan_Siber"], ["Mengenali Phishing"]) == (
        "ld 101 literasi digital cafe kopi keamanan siber mengenali phishing"
    )


@pytest.mark.parametrize(
    ("typed", "fts5", "pg"),
    [
        ("literasi digital asn", '"literasi"* AND "digital"* AND "asn"*', "literasi:* & digital:* & asn:*"),
        ("LD-101", '"ld 101"*', "ld <-> 101:*"),
        ('"a" OR b*', '"a" AND "or" AND "b"', "a & or & b"),
        ("NEAR(x y) -z :w ^v", '"near x" AND "y" AND "z" AND "w" AND "v"', "near <-> x & y & z & w & v"),
        ("' ; -- % _ \" * ( ) :", "", ""),
    ],
)
def test_a_query_becomes_quoted_terms_whatever_is_typed(typed: str, fts5: str, pg: str) -> None:
    terms = query_terms(typed)
    assert fts5_query(terms) == fts5
    assert tsquery(terms) == pg


@pytest.fixture
def catalogue(app: Flask, tmp_path: Path) -> None:
    course = build_course(tmp_path, "LD-101", lessons=1)
    write(course / "course.md", COURSE.format(code="LD-101", title="Literasi Digital bagi ASN", summary="Ringkas"))
    write(course / "02-modul-2" / "02-phishing.md", "---\ntitle: Mengenali Phishing\n---\nIsi.\n")
    other = build_course(tmp_path, "BK-2", lessons=1)
    write(
        other / "course.md", COURSE.format(code="BK-2", title="Budaya Kerja di Kafé", summary="Nilai dasar pelayanan")
    )
    load_content(app, tmp_path)


COURSE = """---
code: {code}
title: {title}
summary: {summary}
jp: 2
competency: teknis
tags: [keamanan, siber]
---
Deskripsi.
"""


def codes(client: FlaskClient, q: str, headers: dict[str, str]) -> list[str]:
    response = client.get(f"/api/v1/courses?q={quote(q, safe='')}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(item["code"] for item in response.get_json()["items"])


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("literasi digital asn", ["LD-101"]),
        ("ASN DIGITAL literasi", ["LD-101"]),  # any order, any case
        ("LD-101", ["LD-101"]),
        ("ld-101", ["LD-101"]),
        ("phishing", ["LD-101"]),  # a lesson title
        ("phish", ["LD-101"]),  # a prefix
        ("siber", ["BK-2", "LD-101"]),  # a tag
        ("kafe", ["BK-2"]),  # accents do not matter, either way
        ("KAFÉ budaya", ["BK-2"]),
        ("pelayanan", ["BK-2"]),  # the summary
        ("modul", ["BK-2", "LD-101"]),
        ("literasi budaya", []),  # every word must be found in the same course
        ("ld", ["LD-101"]),  # a short word is a whole word
        ("l", []),
    ],
)
def test_the_catalogue_finds_every_word_anywhere(
    client: FlaskClient,
    make_user: Callable[..., User],
    token_for: Callable[[User], dict[str, str]],
    q: str,
    found: list[str],
) -> None:
    assert codes(client, q, token_for(make_user("siti"))) == found


@pytest.mark.usefixtures("catalogue")
def test_the_search_page_finds_the_same_and_has_a_maxlength(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[FlaskClient, User], None]
) -> None:
    login(client, make_user("siti"))
    page = client.get("/?q=literasi+digital+asn").get_data(as_text=True)
    assert 'href="/courses/LD-101"' in page
    assert 'href="/courses/BK-2"' not in page
    assert f'maxlength="{MAX_QUERY_LENGTH}"' in page


@pytest.mark.usefixtures("catalogue")
def test_an_over_long_search_gets_the_apps_own_error_in_indonesian(
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    token_for: Callable[[User], dict[str, str]],
) -> None:
    user = make_user("siti")
    login(client, user)
    long = "a" * (MAX_QUERY_LENGTH + 1)
    page = client.get(f"/?q={long}")
    assert page.status_code == 400
    assert "Kata pencarian terlalu panjang" in page.get_data(as_text=True)
    assert 'class="site-header"' in page.get_data(as_text=True)  # our page, not a library's
    api = client.get(f"/api/v1/courses?q={long}", headers=token_for(user))
    assert api.status_code == 422
    assert api.get_json()["error"]["fields"]["q"] == f"Panjang maksimal {MAX_QUERY_LENGTH}."
    assert client.get("/?q=" + "a" * MAX_QUERY_LENGTH).status_code == 200


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    "q", ['"', '"phishing', "phishing*", "NEAR(phishing", "phishing OR x", "-phishing", "title:phishing", "'); --"]
)
def test_query_language_characters_are_inert(
    client: FlaskClient, make_user: Callable[..., User], token_for: Callable[[User], dict[str, str]], q: str
) -> None:
    found = codes(client, q, token_for(make_user("siti")))
    assert found in ([], ["LD-101"])  # never an error, never everything


@pytest.mark.usefixtures("catalogue")
def test_a_search_costs_one_query_more_than_the_catalogue(
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[[FlaskClient, User], None],
    count_queries: Callable[[], object],
) -> None:
    login(client, make_user("siti"))
    client.get("/")  # warm the cached structure
    with count_queries() as plain:  # type: ignore[attr-defined]
        client.get("/")
    with count_queries() as searched:  # type: ignore[attr-defined]
        client.get("/?q=phishing")
    assert searched.count == plain.count + 1
