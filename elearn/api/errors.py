"""The API's one error shape: ``{"error": {"code", "message", "fields"?}}``."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from elearn.errors import DomainError

API_PREFIX = "/api/"

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_attempts",
}


def is_api_request() -> bool:
    """Whether the current request is for the JSON API."""
    return request.path.startswith(API_PREFIX)


def envelope(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """The error body."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow messages -> ``{"field": "why"}`` (nested names dotted)."""
    if isinstance(messages, dict):
        flat: dict[str, str] = {}
        for key, value in messages.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            flat.update(_flatten(value, name))
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": " ".join(messages)}
    return {prefix or "_schema": str(messages)}


def _validation_fields(error: HTTPException) -> dict[str, str]:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "form", "headers", "files", "view_args"}:
        merged: dict[str, str] = {}
        for part in messages.values():
            merged.update(_flatten(part))
        return merged
    return _flatten(messages)


def error_response(error: Exception) -> tuple[Response, int]:
    """Turn a domain error or an HTTP exception into the API envelope."""
    if isinstance(error, DomainError):
        return jsonify(envelope(error.code, error.message, error.fields)), error.status
    if isinstance(error, CSRFError):
        return jsonify(envelope("bad_request", "CSRF token missing or invalid.")), 400
    assert isinstance(error, HTTPException)  # noqa: S101 - only these are registered
    status = error.code or 500
    code = _CODES.get(status, "error" if status >= 500 else "bad_request")
    fields = _validation_fields(error) if status == 422 else None
    message = "The request body is not valid." if status == 422 else (error.description or error.name)
    response = jsonify(envelope(code, message, fields))
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response, status
