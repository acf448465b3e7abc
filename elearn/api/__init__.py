"""The /api/v1 JSON API: one module per resource, schemas declared once."""

from __future__ import annotations

from flask import Flask


def register_api(app: Flask) -> None:
    """Register every API blueprint (CSRF-exempt: the API authenticates by bearer token)."""
    from elearn.api import accounts, catalogue, enrolment, lessons
    from elearn.extensions import api, csrf

    for module in (accounts, catalogue, enrolment, lessons):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
