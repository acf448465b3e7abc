"""The API's blueprint and JSON body parsing: hostile or malformed JSON is a 400, never a 500."""

from __future__ import annotations

from typing import Any

from flask import Request
from flask_smorest import Blueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, abort, is_json_request

from elearn.core.http import parse_json_body


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
