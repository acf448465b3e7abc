"""Bearer tokens on a request: one look-up and one rule for the API and for media.

Below both adapters (the API and the pages that serve media), so neither
imports the other.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from elearn.accounts.models import User
from elearn.accounts.services import user_for_token
from elearn.errors import Forbidden


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


def check_password_changed(user: User) -> None:
    """A user signed in with a one-time password may do nothing but change it (api.md).

    The one rule for bearer tokens (API, media); pages redirect to the change form instead.
    """
    if user.must_change_password:
        raise Forbidden(_("Ganti kata sandi awal Anda terlebih dahulu."), code="password_change_required")
