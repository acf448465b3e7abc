"""Sending one route's request as every role of the trust world, and reading the answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from werkzeug.routing import Rule

from tests.trust.access_table import LOGIN, UNSAFE, Ref, Row, key_of
from tests.trust.world import ROLES, World

_ARGUMENT = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>")
#: Routes outside the matrix: static files are public by design and served by WhiteNoise in production.
EXCLUDED = frozenset({"GET /static/<path:filename>"})


@dataclass(frozen=True)
class Cell:
    """One request as one role and what came back."""

    role: str
    method: str
    path: str
    status: int | str
    error_code: str | None


def routes(world: World) -> dict[str, Rule]:
    """Every ``METHOD /rule`` of the app (HEAD and OPTIONS left out), but the excluded ones."""
    found: dict[str, Rule] = {}
    for rule in world.app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            key = key_of(method, rule.rule)
            if key not in EXCLUDED:
                found[key] = rule
    return found


def fill(rule: str, row: Row, world: World) -> str:
    """The rule with every argument replaced by a real id of the world (``row.fill`` names another id)."""
    values = {**world.ids, **{argument: world.ids[name] for argument, name in row.fill.items()}}
    return _ARGUMENT.sub(lambda match: str(values[match.group(1)]), rule)


def body_of(row: Row, world: World) -> dict[str, Any]:
    """The row's body with every ``Ref`` (a value, or a key of an inner object) replaced by the world's id."""

    def resolve(value: Any) -> Any:
        if isinstance(value, Ref):
            return world.ids[value.name]
        if isinstance(value, dict):
            return {str(resolve(key)) if isinstance(key, Ref) else key: resolve(inner) for key, inner in value.items()}
        return value

    return dict(resolve(row.body or {}))


def send(world: World, role: str, method: str, path: str, row: Row) -> Cell:
    """Send the request as ``role``: pages with the session cookie (and the CSRF token on unsafe methods),
    the API with the bearer token and a JSON body; undo whatever an accepted unsafe request changed."""
    identity = world.identities[role]
    client = identity.client(world.app)
    is_api = path.startswith("/api/")
    kwargs: dict[str, Any] = {}
    if is_api:
        kwargs["headers"] = identity.bearer
        if method in UNSAFE:
            kwargs["json"] = body_of(row, world)
    elif method in UNSAFE:
        kwargs["data"] = {"csrf_token": identity.csrf, **body_of(row, world)}
        kwargs["headers"] = {"X-CSRFToken": identity.csrf}
    response = client.open(path, method=method, **kwargs)
    response.get_data()  # a streamed download runs to its end, as a real client reads it
    response.close()
    status: int | str = response.status_code
    if status == 302 and response.location.startswith("/login"):
        status = LOGIN
    error_code = None
    if is_api and response.status_code >= 400 and response.is_json:
        error_code = (response.get_json() or {}).get("error", {}).get("code")
    if (method in UNSAFE and response.status_code < 400) or row.changes:
        world.snapshot.restore()
    return Cell(role, method, path, status, error_code)


def sweep(world: World, key: str, rule: str, row: Row) -> list[Cell]:
    """The route's request as every role, in the order of ``ROLES``."""
    method, _space, _rule = key.partition(" ")
    path = fill(rule, row, world)
    return [send(world, role, method, path, row) for role in ROLES]
