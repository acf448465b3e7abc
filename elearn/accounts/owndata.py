"""The accounts part of a person's data export: their profile and where they are signed in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn.accounts.models import ApiToken, LoginFailure, User, WebSession
from elearn.core.owndata import section
from elearn.extensions import db


@section("profile", order=10)
def profile(user: User) -> dict[str, Any]:
    """What the account says about the person."""
    return {
        "username": user.username,
        "nip": user.nip,
        "name": user.name,
        "email": user.email,
        "position": user.position,
        "unit": user.unit_path,
        "role": user.role,
        "locale": user.locale,
        "is_active": user.is_active,
        "must_change_password": user.must_change_password,
        "created_at": user.created_at,
    }


@section("sign_in", order=15)
def sign_in(user: User) -> dict[str, Any]:
    """Signed-in browsers, API tokens and failed sign-ins under their username (no secret, only times)."""
    sessions = db.session.execute(
        select(WebSession.created_at, WebSession.expires_at)
        .where(WebSession.user_id == user.id)
        .order_by(WebSession.id)
    )
    tokens = db.session.execute(
        select(ApiToken.created_at, ApiToken.expires_at).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    failures = db.session.scalars(
        select(LoginFailure.failed_at).where(LoginFailure.username == user.username).order_by(LoginFailure.failed_at)
    )
    return {
        "web_sessions": [{"created_at": created, "expires_at": expires} for created, expires in sessions],
        "api_tokens": [{"created_at": created, "expires_at": expires} for created, expires in tokens],
        "failed_sign_ins": list(failures),
    }
