"""The hostile corpus's payloads, and how to send them as a role of the trust world and read the answers."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask.testing import FlaskClient
from markupsafe import escape
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from tests.trust.world import XSS, World

#: What must never reach a page raw (checked on every page that shows a payload).
RAW_MARKUP = ("<script>alert", "<img src=x")

#: SQL (and LIKE, and full-text) metacharacters for searches and filters.
SQL = (
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "') UNION SELECT password_hash FROM users --",
    "NEAR(a b",
    '"unbalanced',
    "a OR",
    "*",
    # FTS5 and tsquery syntax: column filters, prefixes, negation, grouping, phrase and weights
    "title:x",
    "x:*",
    "-x",
    "^x",
    "(x) AND (y",
    "x & !y | z",
    "x <-> y",
    "x:A",
    "{x y}",
    "NOT",
)

#: Cell values a spreadsheet would run as a formula.
FORMULAS = ('=HYPERLINK("http://evil.example","klik")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1")


def client_of(world: World, role: str) -> FlaskClient:
    """A fresh client signed in as ``role`` (its session cookie only)."""
    return world.identities[role].client(world.app)


def get(world: World, role: str, url: str, **kwargs: Any) -> TestResponse:
    """GET ``url`` as ``role``: pages with the session, the API with the bearer token; the body read."""
    headers = world.identities[role].bearer if url.startswith("/api/") else {}
    response = client_of(world, role).get(url, headers=headers, **kwargs)
    response.get_data()
    response.close()
    return response


def post_form(world: World, role: str, url: str, data: dict[str, Any], **kwargs: Any) -> TestResponse:
    """POST a page's form as ``role``, with the role's CSRF token."""
    identity = world.identities[role]
    return client_of(world, role).post(url, data={"csrf_token": identity.csrf, **data}, **kwargs)


def call_api(world: World, role: str, method: str, url: str, **kwargs: Any) -> TestResponse:
    """Call the API as ``role`` with its bearer token."""
    headers = {**world.identities[role].bearer, **kwargs.pop("headers", {})}
    return client_of(world, role).open(url, method=method, headers=headers, **kwargs)


def as_page_json(value: str) -> str:
    """``value`` as Jinja's ``tojson`` writes it into a page (HTML-safe JSON), without the quotes."""
    text = json.dumps(value)[1:-1]
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, code)
    return text


def assert_inert(page: str, payload: str = XSS, *, where: str = "") -> None:
    """The payload is on the page, escaped (as HTML text, or as HTML-safe JSON in audit details), and its
    markup nowhere raw."""
    raw = [marker for marker in RAW_MARKUP if marker in page]
    assert not raw, f"{where}: raw markup {raw} on the page"
    shown = str(escape(payload)) in page or as_page_json(payload) in page
    assert shown, f"{where}: the escaped payload is not on the page"


def csv_cells(data: bytes) -> list[str]:
    """Every cell of a CSV download."""
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def xlsx_cells(data: bytes) -> list[Any]:
    """Every cell of an XLSX download, as (data type, value)."""
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    return [(cell.data_type, cell.value) for row in sheet.iter_rows() for cell in row]


def neutralised(value: str) -> bool:
    """A spreadsheet shows the value as text: it does not start like a formula."""
    return not value.startswith(("=", "+", "-", "@", "\t", "\r"))
