"""The authorisation matrix: every route of the URL map × every role gets the status of its one table row.

The routes come from ``app.url_map`` (pages, API, media, downloads; only ``/static/`` is left out), the
roles from ``tests.trust.world.ROLES`` (anonymous, the learner of the unit, a learner elsewhere, the
course's instructor, another course's instructor, the learner's coordinator, another unit's coordinator,
an admin), the expected statuses from ``TABLE`` in ``tests/trust/access_table.py``.

Requests are real: pages carry the role's session cookie and, on unsafe methods, a valid CSRF token
(CSRF protection stays on); the API carries the role's bearer token and a JSON body. Ids are the world's
(a real course code, lesson, quiz, attempt, certificate code, record, upload, user, unit). A request that
was accepted and may have changed something is undone at once (``Snapshot.restore``), so every row sees
the same world whatever ran before it.

**Adding a route**: run this module; ``test_every_route_has_exactly_one_row`` fails and names the key to
add, e.g. ``"GET /surveys/<int:survey_id>"``, with the statuses observed now. Check them against the rules
of the feature (never copy them blindly), then add one line to ``TABLE`` in the section of its area,
e.g. ``"GET /surveys/<int:survey_id>": page(403, **READERS),``. When the route needs a new kind of id, add
it to ``ids`` in ``tests/trust/world.py:build_world`` (named as the route's argument).
"""

from __future__ import annotations

import pytest

from tests.trust.access_table import ROLE_NAMES, TABLE, Row
from tests.trust.matrix import Cell, routes, sweep
from tests.trust.world import ROLES, World


def _statuses(cells: list[Cell]) -> str:
    return ", ".join(f"{cell.role}={cell.status}" for cell in cells)


def test_the_table_and_the_world_name_the_same_roles() -> None:
    assert tuple(ROLES) == ROLE_NAMES


def test_every_route_has_exactly_one_row(world: World) -> None:
    found = routes(world)
    missing = sorted(set(found) - set(TABLE))
    stale = sorted(set(TABLE) - set(found))
    lines = []
    for key in missing:
        observed = sweep(world, key, found[key].rule, Row({}))
        lines.append(
            f'add to TABLE in tests/trust/access_table.py: "{key}": ...  (observed now: {_statuses(observed)})'
        )
    lines += [f'remove from TABLE (no such route any more): "{key}"' for key in stale]
    assert not lines, "\n".join(lines)


@pytest.mark.parametrize("key", sorted(TABLE))
def test_each_role_gets_the_status_of_the_table(world: World, key: str) -> None:
    row = TABLE[key]
    rule = routes(world).get(key)
    if rule is None:
        pytest.fail(f"{key} is in TABLE but not in the URL map")
    cells = sweep(world, key, rule.rule, row)
    wrong = [
        f"{cell.role}: {cell.method} {cell.path} -> {cell.status}, the table says {row.statuses[cell.role]}"
        for cell in cells
        if cell.status != row.statuses[cell.role]
    ]
    # The API's error codes are part of its contract: 401 is unauthenticated, every 404 is not_found.
    codes = {401: "unauthenticated", 404: "not_found"}
    wrong += [
        f"{cell.role}: {cell.status} with error code {cell.error_code!r}"
        for cell in cells
        if cell.path.startswith("/api/") and cell.status in codes and cell.error_code != codes[cell.status]
    ]
    assert not wrong, "\n".join(wrong)
