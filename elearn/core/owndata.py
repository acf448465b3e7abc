"""Everything elearn holds about one person as one JSON document (UU 27/2022 on personal data protection).

A registry of sections: each domain contributes its part in its own ``owndata.py``::

    @section("enrolments", order=20)
    def enrolments(user: User) -> list[dict[str, Any]]: ...

``discover_sections`` (called once by ``create_app``) imports every ``elearn.<domain>.owndata``
module, so a new domain (certificates, JP records) adds its section without touching any other
code. A section returns JSON-ready values; ``to_json`` writes datetimes, dates and decimals as text.
Sections never return secrets (password hashes, token hashes) nor another quiz's answer key.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from flask import Response

from elearn.core.time import now

FORMAT = "elearn-personal-data"
VERSION = 1
SectionFunction = Callable[[Any], Any]
S = TypeVar("S", bound=SectionFunction)
_sections: dict[str, tuple[int, SectionFunction]] = {}


def section(name: str, order: int = 100) -> Callable[[S], S]:
    """Register ``function(user) -> JSON-ready value`` as the export's section ``name`` (lower ``order`` first)."""

    def register(function: S) -> S:
        known = _sections.get(name)
        if known is not None and known[1] is not function and known[1].__qualname__ != function.__qualname__:
            raise ValueError(f"two personal-data sections are named {name!r}")
        _sections[name] = (order, function)
        return function

    return register


def discover_sections(package: str = "elearn") -> list[str]:
    """Import every ``<package>.<domain>.owndata`` module (their ``@section``s register); the names found."""
    root = importlib.import_module(package)
    found = []
    for module in pkgutil.iter_modules([str(Path(root.__file__ or "").parent)]):
        if module.ispkg and (Path(root.__file__ or "").parent / module.name / "owndata.py").is_file():
            importlib.import_module(f"{package}.{module.name}.owndata")
            found.append(module.name)
    return found


def section_names() -> list[str]:
    """The registered sections, in export order."""
    return [name for name, _entry in sorted(_sections.items(), key=lambda item: (item[1][0], item[0]))]


def personal_data(user: Any, generated_at: dt.datetime) -> dict[str, Any]:
    """The whole export for ``user``: a header and every section."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": generated_at,
        "username": user.username,
        "sections": {name: _sections[name][1](user) for name in section_names()},
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not exportable")


def to_json(document: dict[str, Any]) -> str:
    """The export as JSON text (UTF-8 friendly, indented for a person to read)."""
    return json.dumps(document, default=_plain, ensure_ascii=False, indent=2)


def personal_data_response(user: Any) -> Response:
    """The personal-data export of ``user`` as a JSON attachment that no cache keeps."""
    moment = now()
    response = Response(to_json(personal_data(user, moment)), mimetype="application/json")
    name = f"elearn-data-{user.username}-{moment:%Y%m%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
