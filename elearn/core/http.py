"""HTTP plumbing below every adapter: JSON bodies read safely, and the API's one error shape
``{"error": {"code", "message", "fields"?}}`` built from domain errors and HTTP exceptions.

The API, the page that autosaves quiz answers and the error handlers of ``elearn.web`` all use it.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from elearn.core.messages import FORM_EXPIRED, library_message, status_text
from elearn.errors import DomainError

API_PREFIX = "/api/"

#: The largest id a database integer column holds (PostgreSQL ``integer``).
MAX_ID = 2**31 - 1


def digits_up_to(limit: int) -> str:
    """A regular expression matching the decimal numbers 0 .. ``limit`` (no sign, no leading zeros
    beyond the number's length), digit by digit: ``\\d{1,9}|1\\d{9}|20\\d{8}|...|2147483647``."""
    digits = str(limit)
    parts = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        lowest = 1 if position == 0 and len(digits) > 1 else 0
        if int(digit) - 1 >= lowest:
            rest = len(digits) - position - 1
            parts.append(f"{digits[:position]}[{lowest}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in every route: only a number a database id can be (0 .. ``MAX_ID``) matches, so a larger
    one is a 404 like any unknown id, instead of overflowing the database driver (a 500). The range is in
    the regular expression, not a check after matching: werkzeug would answer 405 for a path that a GET
    route shares."""

    regex = digits_up_to(MAX_ID)


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
    """Whether the current request is for the JSON API (or comes from an API client, such as the
    mobile app fetching media with its bearer token): errors then use the JSON envelope."""
    return request.path.startswith(API_PREFIX) or request.headers.get("Authorization", "")[:7].lower() == "bearer "


def envelope(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """The error body."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


#: At most this many field errors are returned: a body of a million unknown keys gets a short answer.
MAX_FIELD_ERRORS = 20
_LOCATIONS = {"json", "query", "form", "headers", "files", "view_args"}


def _flatten(messages: Any, flat: dict[str, str], prefix: str = "") -> None:
    """webargs/marshmallow messages -> ``{"field": "why"}`` (nested names dotted), stopping at the cap."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if len(flat) >= MAX_FIELD_ERRORS:
                return
            _flatten(value, flat, str(key)[:100] if not prefix else f"{prefix}.{str(key)[:100]}")
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = " ".join(library_message(m) for m in messages)
    else:
        flat[prefix or "_schema"] = str(messages)[:500]


def validation_fields(error: HTTPException) -> dict[str, str]:
    """The field errors an HTTP error carries (webargs ``messages``), at most ``MAX_FIELD_ERRORS``."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    flat: dict[str, str] = {}
    if isinstance(messages, dict) and set(messages) <= _LOCATIONS:
        for part in messages.values():
            _flatten(part, flat)
    else:
        _flatten(messages, flat)
    return flat


def error_response(error: Exception) -> tuple[Response, int]:
    """Turn a domain error or an HTTP exception into the API envelope."""
    if isinstance(error, DomainError):
        response = jsonify(envelope(error.code, error.message, error.fields))
        if error.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response, error.status
    if isinstance(error, CSRFError):
        return jsonify(envelope("bad_request", str(FORM_EXPIRED))), 400
    assert isinstance(error, HTTPException)  # noqa: S101 - only these are registered
    status = error.code or 500
    code = _CODES.get(status, "error" if status >= 500 else "bad_request")
    fields = validation_fields(error) if status == 422 else None
    if status == 422:
        message = status_text(422)
    elif status == 400 and validation_fields(error):
        message = " ".join(validation_fields(error).values())
    elif not error.description or error.description == type(error).description:
        message = status_text(status)  # Werkzeug's own English description
    else:
        message = library_message(str(error.description))
    response = jsonify(envelope(code, message, fields))
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response, status


#: Largest JSON body the API reads (bulk enrolment of 10 000 names fits; uploads have their own limits).
JSON_BODY_LIMIT = 1024 * 1024
#: Deepest nesting of arrays and objects a JSON body may have (no endpoint needs more than a few).
JSON_MAX_DEPTH = 16


class HostileJson(ValueError):
    """A JSON body that parses but that nothing should store (NUL, lone surrogates, too deep)."""


def _check_json(value: object, depth: int = 0) -> None:
    if depth > JSON_MAX_DEPTH:
        raise HostileJson(f"nested deeper than {JSON_MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise HostileJson("a string holds a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise HostileJson("a string holds a lone surrogate (\\ud800-\\udfff)") from error


def parse_json_body(data: bytes) -> object:
    """Decode a JSON body strictly; ``ValueError`` (with a short reason) for anything hostile or broken.

    Python's decoder raises RecursionError on deep nesting and ValueError on
    numbers of thousands of digits: both become a plain refusal, never a 500.
    """
    try:
        text = data.decode("utf-8")
        value = json.loads(text)
    except UnicodeDecodeError as error:
        raise ValueError("the body is not UTF-8") from error
    except RecursionError as error:
        raise ValueError("nested too deeply") from error
    except ValueError as error:  # JSONDecodeError, or an integer of too many digits
        raise ValueError(str(error).split(":", 1)[0]) from error
    _check_json(value)
    return value


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON answer built straight from a body whose shape the endpoint's schema documents: hot
    paths skip the schema's dump (it costs more than everything else the request does); tests
    validate such bodies against the OpenAPI document."""
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status, mimetype="application/json")
