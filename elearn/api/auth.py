"""Bearer-token authentication for the API."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from elearn.accounts.models import User
from elearn.accounts.services import user_for_token
from elearn.errors import Forbidden, Unauthenticated

F = TypeVar("F", bound=Callable[..., Any])
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def error_doc(codes: str) -> dict[str, Any]:
    """An OpenAPI response in the error envelope, naming its error codes."""
    return {
        "description": f"error codes: {codes}",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def errors(**by_status: str) -> Callable[[F], F]:
    """Document error responses: ``@errors(e404="not_found", e422="invalid")``."""
    responses = {name.removeprefix("e"): error_doc(codes) for name, codes in by_status.items()}
    return cast(Callable[[F], F], Blueprint.doc(responses=responses))


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def bearer_user() -> User | None:
    """The active user of a valid, unexpired bearer token on this request, if any."""
    token = bearer_token()
    return user_for_token(token) if token else None


def authenticated(allow_password_change: bool = False) -> Callable[[F], F]:
    """Require a valid bearer token; ``g.api_user`` is its user.

    Until a one-time password is changed only the calls that allow it pass
    (403 ``password_change_required``).
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = bearer_user()
            if user is None:
                raise Unauthenticated(_("Token tidak ada, tidak sah, atau kedaluwarsa."))
            if user.must_change_password and not allow_password_change:
                raise Forbidden(_("Ganti kata sandi awal Anda terlebih dahulu."), code="password_change_required")
            g.api_user = user
            return view(*args, **kwargs)

        responses = {"401": error_doc("unauthenticated"), "403": error_doc("forbidden, password_change_required")}
        return cast(F, Blueprint.doc(security=BEARER, responses=responses)(wrapper))

    return decorate


def api_user() -> User:
    """The authenticated user of this API request."""
    return cast(User, g.api_user)
