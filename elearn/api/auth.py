"""Bearer-token authentication for the API."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import g
from flask_babel import gettext as _
from flask_smorest import Blueprint

from elearn.accounts.bearer import bearer_token, bearer_user, check_password_changed
from elearn.accounts.models import User
from elearn.errors import Forbidden, Unauthenticated

__all__ = ["api_user", "authenticated", "bearer_token", "errors"]

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


def authenticated(
    allow_password_change: bool = False, *, may: Callable[[User], bool] | None = None
) -> Callable[[F], F]:
    """Require a valid bearer token; ``g.api_user`` is its user.

    Until a one-time password is changed only the calls that allow it pass
    (403 ``password_change_required``). ``may`` refuses (403 ``forbidden``) callers
    who may never use the endpoint, before its body is even read.
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = bearer_user()
            if user is None:
                raise Unauthenticated(_("Token tidak ada, tidak sah, atau kedaluwarsa."))
            if not allow_password_change:
                check_password_changed(user)
            if may is not None and not may(user):
                raise Forbidden(_("Anda tidak berhak memakai fungsi ini."))
            g.api_user = user
            return view(*args, **kwargs)

        responses = {"401": error_doc("unauthenticated"), "403": error_doc("forbidden, password_change_required")}
        return cast(F, Blueprint.doc(security=BEARER, responses=responses)(wrapper))

    return decorate


def api_user() -> User:
    """The authenticated user of this API request."""
    return cast(User, g.api_user)
