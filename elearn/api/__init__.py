"""The /api/v1 JSON API: one module per resource, schemas declared once."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import Rule


def register_api(app: Flask) -> None:
    """Register every API blueprint (CSRF-exempt: the API authenticates by bearer token)."""
    from elearn.api import (
        accounts,
        catalogue,
        certificates,
        discussion,
        enrolment,
        evaluation,
        lessons,
        notifications,
        quizzes,
        reports,
    )
    from elearn.extensions import api, csrf

    for module in (
        accounts,
        catalogue,
        enrolment,
        lessons,
        quizzes,
        certificates,
        reports,
        evaluation,
        discussion,
        notifications,
    ):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
    _document_health(api)
    _document_common_errors(api)


def _document_common_errors(api: Any) -> None:
    """The errors every operation may answer, whatever it does: 400 ``bad_request`` (a NUL byte in the URL
    or query, a body that is not JSON) and, for those that read a body, 413 ``too_large``."""
    from elearn.api.auth import error_doc

    for path, operations in api.spec._paths.items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue  # path-level "parameters"
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", error_doc("bad_request"))
            if "requestBody" in operation:
                responses.setdefault("413", error_doc("too_large"))


def _document_health(api: Any) -> None:
    """``GET /healthz`` lives outside /api/v1 (no auth) but belongs in the document."""
    body = {
        "type": "object",
        "properties": {"status": {"type": "string"}, "database": {"type": "string"}},
        "required": ["status", "database"],
    }
    content = {"application/json": {"schema": body}}
    api.spec.path(
        rule=Rule("/healthz"),  # flask-smorest's plugin derives the path from a URL rule
        operations={
            "get": {
                "summary": "Liveness and database reachability (no auth)",
                "responses": {
                    "200": {"description": '{"status": "ok", "database": "ok"}', "content": content},
                    "503": {"description": "the database is unreachable", "content": content},
                },
            }
        },
    )
