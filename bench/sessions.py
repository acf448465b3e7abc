"""Signed-in session cookies for the page scenarios, obtained through the real sign-in form.

Going through ``GET /login`` (CSRF token) and ``POST /login`` keeps working
whatever the session mechanism is (signed cookie today, server-side rows
maybe tomorrow). Each sign-in costs an Argon2 verification, so only a few
hundred learners are signed in, in parallel threads, before the runs.
"""

from __future__ import annotations

import hashlib
import http.client
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from seed import Learner

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
COOKIE = "session"


def csrf_token(html: str) -> str:
    """The CSRF token of the sign-in form."""
    field = CSRF_INPUT.search(html)
    value = VALUE.search(field.group(0)) if field else None
    if value is None:
        raise RuntimeError("no csrf_token field on the sign-in page")
    return value.group(1)


def _cookie(headers: list[tuple[str, str]]) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return jar[COOKIE].value if COOKIE in jar else None


def _exchange(port: int, method: str, path: str, headers: dict[str, str], body: str | None = None) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def address_of(username: str) -> str:
    """A client address of its own for each learner (the app trusts one proxy in the benchmark): a
    real deployment's learners sign in from many phones, not all from 127.0.0.1, whose sign-ins the
    per-address limit would stop after 30 a minute."""
    digest = hashlib.sha256(username.encode()).digest()
    return f"10.{digest[0]}.{digest[1]}.{1 + digest[2] % 254}"


def sign_in(port: int, username: str, password: str) -> str:
    """Sign ``username`` in through the form on ``127.0.0.1:port``; the session cookie's value."""
    status, headers, html = _exchange(port, "GET", "/login", {"X-Forwarded-For": address_of(username)})
    first = _cookie(headers)
    if status != 200 or first is None:
        raise RuntimeError(f"GET /login answered {status} (cookie: {first is not None})")
    form = urlencode({"csrf_token": csrf_token(html), "next": "", "username": username, "password": password})
    post_headers = {
        "Cookie": f"{COOKIE}={first}",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": address_of(username),
    }
    status, headers, _body = _exchange(port, "POST", "/login", post_headers, form)
    signed_in = _cookie(headers)
    location = dict((k.lower(), v) for k, v in headers).get("location", "")
    if status != 302 or signed_in is None or "password" in location:
        raise RuntimeError(f"POST /login for {username} answered {status} (location {location!r})")
    return signed_in


def sign_in_many(port: int, learners: Sequence[Learner], password: str, threads: int = 4) -> list[str]:
    """Sign every learner in (their ``cookie`` is set); the problems, one line each."""
    problems: list[str] = []

    def one(learner: Learner) -> None:
        try:
            learner.cookie = sign_in(port, learner.username, password)
        except (OSError, RuntimeError) as error:
            problems.append(f"{learner.username}: {error}")

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, learners))
    return problems


def sign_in_test_client(client: Any, username: str, password: str) -> str:
    """Sign in through the form with a Flask test client (no server); the session cookie's value.

    Over HTTPS, as a production cookie (``Secure``) is only sent there; CSRF then wants a same-site Referer.
    """
    headers = {"Referer": "https://localhost/login", "X-Forwarded-For": address_of(username)}
    site = {"base_url": "https://localhost", "headers": headers}
    page = client.get("/login", **site)
    form = {"csrf_token": csrf_token(page.get_data(as_text=True)), "next": "", "username": username}
    response = client.post("/login", data={**form, "password": password}, **site)
    cookie = client.get_cookie(COOKIE)
    if response.status_code != 302 or cookie is None:
        raise RuntimeError(f"POST /login for {username} answered {response.status_code}")
    return str(cookie.value)
