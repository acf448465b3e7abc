"""schemathesis against ``/api/v1/openapi.json``: the API in-process (WSGI), fuzzed as a learner and as a
coordinator (bearer tokens), each answer checked against the document.

Checks: no 5xx, every status code documented for its operation, the content type and the body matching
the documented schema. For every operation and role, Hypothesis draws ``MAX_EXAMPLES`` cases from three
sources: data that fits the document, the same with the path pointing at the world's real objects (a
real course code, quiz, attempt, record, certificate) so that requests reach past the 404, and data that
does not fit (which must be refused with a documented 4xx). No shrinking, a fixed seed: the module stays
well under a minute on SQLite. The stateful test follows the links schemathesis finds between operations.
An accepted request that changed the world is undone before the next one (``Snapshot.restore``).

(schemathesis' own pytest integration, ``schema.parametrize``/``from_fixture``, does not run on pytest 9.2:
the operations are walked here with ``APIOperation.as_strategy`` and ``Case.call_and_validate``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import hypothesis
import pytest
import schemathesis
from flask import Flask
from hypothesis import strategies as st
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.trust.world import World

MAX_EXAMPLES = 8
STATEFUL_SCENARIOS = 15
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
#: Cases sent, by role (read by the report of figures).
SENT: dict[str, int] = {}


class FreshContextApp:
    """The app as a WSGI callable that runs each request in its own app context, as a server does
    (the test package holds one open, and Flask would otherwise share it, ``g`` and the session)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Serve one request, its body read whole inside the context (a streamed export included)."""
        with self.app.app_context():
            body = self.app.wsgi_app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()


def api_schema(world: World, role: str) -> Any:
    """The API's document, loaded from the app, calling as ``role`` with a bearer token."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", FreshContextApp(world.app))
    schema.config.update(headers=world.identities[role].bearer)
    return schema


def cases(operation: Any, world: World) -> st.SearchStrategy[Any]:
    """Fitting data, fitting data aimed at real objects, and data that does not fit."""
    sources = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    fixed = world.document_ids(operation.path)
    if fixed:
        sources.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed))
    return st.one_of(sources)


def fuzz(operation: Any, world: World, role: str) -> None:
    """Send ``MAX_EXAMPLES`` cases of one operation; the first failing check raises."""

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=cases(operation, world))
    def run(case: Any) -> None:
        SENT[role] = SENT.get(role, 0) + 1
        try:
            case.call_and_validate(checks=CHECKS)
        finally:
            if case.method.upper() in UNSAFE:
                world.snapshot.restore()

    run()


@pytest.mark.parametrize("role", ["learner", "coordinator"])
def test_every_answer_of_the_api_matches_its_document(world: World, role: str) -> None:
    failures = []
    for result in api_schema(world, role).get_all_operations():
        operation = result.ok()
        try:
            fuzz(operation, world, role)
        except (Exception, BaseExceptionGroup) as error:  # every operation's failure is reported at once
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("role", ["learner", "coordinator"])
def test_chains_of_linked_calls_get_documented_answers(world: World, role: str) -> None:
    base = api_schema(world, role).as_state_machine()

    class Chains(base):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            world.snapshot.restore()

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            SENT[role] = SENT.get(role, 0) + 1
            case.validate_response(response, checks=CHECKS)

    Chains.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
