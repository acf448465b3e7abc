"""Every message in Indonesian, including the ones libraries write: every form of every page sent
empty, every API write sent an empty and a wrong body, and every error page (400, 403, 404, 405,
413, 500, an expired form) read as a person reads them, with no English sentence of WTForms,
Flask-WTF, marshmallow/webargs or Werkzeug (expired forms: tests/web/test_expired_forms.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest

from elearn.core.forms import FlaskForm
from tests.trust.access_table import TABLE, UNSAFE
from tests.trust.matrix import fill, routes
from tests.trust.world import World

pytestmark = pytest.mark.one_backend  # what a page says does not depend on the database

#: Sentences the libraries write in English (and Werkzeug's status names).
ENGLISH = re.compile(
    r"This field is required|Not a valid|Missing data for required field|Field must be|Field cannot be|"
    r"Invalid value|Invalid input|Invalid choice|Unknown field|Length must be|Must be (?:one of|greater|less|equal)|"
    r"Shorter than|Longer than|File does not have|File must be|CSRF|request body is not valid|"
    r"requested URL|not found on the server|Method Not Allowed|Bad Request|Internal Server Error|"
    r"browser \(or proxy\)|Request Entity Too Large|Unprocessable|Unauthorized|Forbidden|Not Found|"
    r"Too Many Requests|does not match expected pattern|may not be null",
    re.I,
)
ROLES_WALKING = ("learner", "instructor", "admin")
#: What a person reads: the text between tags (scripts and styles left out).
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]*>", re.S | re.I)


def visible_text(page: str) -> str:
    return html.unescape(_TAGS.sub(" ", page))


def english_in(response: Any) -> list[str]:
    """The library sentences a response shows: a page's text, or an API error's message and fields."""
    if response.is_json:
        body = response.get_json(silent=True) or {}
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return []
        shown = " ".join([str(error.get("message", "")), *map(str, (error.get("fields") or {}).values())])
    elif response.mimetype == "text/html":
        shown = visible_text(response.get_data(as_text=True))
    else:
        return []
    return ENGLISH.findall(shown)


def requests(world: World) -> Iterator[tuple[str, str, str]]:
    """(role, method, path) of every page and API route but static files and the service worker."""
    for key, _rule in sorted(routes(world).items()):
        method, template = key.split(" ", 1)
        if template in ("/sw.js", "/healthz") or "download" in template:
            continue
        path = fill(template, TABLE[key], world) if key in TABLE else None
        if path is None:
            continue
        for role in ROLES_WALKING:
            yield role, method, path


def test_every_page_form_and_api_call_answers_in_indonesian(world: World) -> None:
    found = []
    with world.restored():
        for role, method, path in requests(world):
            identity = world.identities[role]
            client = identity.client(world.app)
            if path.startswith("/api/"):
                bodies: list[Any] = [{}, {"nope": 1, "id": "x"}] if method in UNSAFE else [None]
                for body in bodies:
                    response = client.open(path, method=method, json=body, headers=identity.bearer)
                    found += [f"{role} {method} {path} {body}: {m}" for m in english_in(response)]
                    response.close()
            else:
                data = {"csrf_token": identity.csrf} if method in UNSAFE else None
                response = client.open(path, method=method, data=data)
                found += [f"{role} {method} {path}: {m}" for m in english_in(response)]
                response.close()
            if method in UNSAFE:
                world.snapshot.restore()
    assert not found, "\n".join(found)


def test_every_error_page_is_in_indonesian(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    identity = world.identities["learner"]
    client = identity.client(world.app)
    pages = {
        404: client.get("/tidak-ada"),
        405: client.put("/"),
        400: client.get("/?q=a%00b"),
        413: client.post("/login", data={"username": "x" * (world.app.config["MAX_CONTENT_LENGTH"] + 10)}),
        403: world.identities["learner"].client(world.app).get("/admin/users"),
    }
    api = {
        404: client.get("/api/v1/tidak-ada", headers=identity.bearer),
        405: client.put("/api/v1/courses", headers=identity.bearer),
        401: world.app.test_client().get("/api/v1/courses"),
    }
    for status, response in pages.items():
        assert response.status_code == status, status
        assert english_in(response) == [], status
        assert 'class="site-header"' in response.get_data(as_text=True)  # our page
    for status, response in api.items():
        assert response.status_code == status
        assert english_in(response) == [], (status, response.get_json())
    # a server error, as production answers it
    view = world.app.view_functions["catalogue.my_courses"]
    monkeypatch.setitem(world.app.view_functions, "catalogue.my_courses", _broken)
    monkeypatch.setitem(world.app.config, "PROPAGATE_EXCEPTIONS", False)
    broken = client.get("/my")
    assert broken.status_code == 500
    assert english_in(broken) == []
    assert "Terjadi kesalahan" in broken.get_data(as_text=True)
    assert view is not None


def _broken() -> None:
    raise RuntimeError("boom")


def test_every_form_class_derives_from_our_base_form() -> None:
    import flask_wtf

    import elearn  # noqa: F401 - every blueprint (and its forms) imported by the app fixture

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(flask_wtf.FlaskForm) if c.__module__.startswith("elearn.")]
    assert ours
    strays = [f"{c.__module__}.{c.__name__}" for c in ours if not issubclass(c, FlaskForm)]
    assert not strays, f"forms that would speak English: derive them from elearn.core.forms.FlaskForm: {strays}"
