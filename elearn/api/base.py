"""The flask-smorest Api, adapted to our error envelope."""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
from flask import Request
from flask_smorest import Api, Blueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, abort, is_json_request


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

    def _register_error_handlers(self) -> None:
        return None


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


class SafeParser(FlaskParser):  # type: ignore[misc]
    """webargs' parser with our JSON decoding: malformed or hostile JSON is a 400, never a 500."""

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return missing
        data = req.get_data(cache=True)
        if not data:
            return missing
        try:
            return parse_json_body(data)
        except ValueError as error:
            abort(400, exc=error, messages={"json": [f"Invalid JSON body: {error}."]})


class ApiBlueprint(Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint with our JSON parser."""

    ARGUMENTS_PARSER = SafeParser()
