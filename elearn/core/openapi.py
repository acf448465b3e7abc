"""The flask-smorest ``Api`` object, adapted to our error envelope (bound by ``create_app``).

Here, below every domain, so that ``extensions.py`` needs nothing from the API package.
"""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Api


class ErrorBodySchema(ma.Schema):
    """What an error says."""

    code = ma.fields.String(required=True, metadata={"description": "snake_case error code"})
    message = ma.fields.String(required=True)
    # "fields" would shadow Schema.fields: declare it under another attribute name.
    field_errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), data_key="fields")


class ErrorSchema(ma.Schema):
    """The API's error envelope."""

    error = ma.fields.Nested(ErrorBodySchema, required=True)


class ElearnApi(Api):  # type: ignore[misc]
    """flask-smorest's Api without its global error handler: pages keep HTML
    errors and the API uses our envelope (registered in ``elearn.web``)."""

    ERROR_SCHEMA = ErrorSchema
    # No catch-all "default" response: each operation lists the statuses it really answers (with their
    # error codes), so a client, and the schemathesis sweep, can tell a documented answer from a surprise.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        return None
