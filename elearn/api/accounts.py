"""Accounts API: tokens, the caller's profile, password change."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request

from elearn.accounts import services
from elearn.accounts.models import User
from elearn.api.auth import api_user, authenticated, bearer_token, errors
from elearn.api.base import ApiBlueprint as Blueprint
from elearn.api.schemas import StrictSchema, UserSchema
from elearn.catalogue.queries import roles_of
from elearn.core.time import iso
from elearn.extensions import db

blp = Blueprint("api_accounts", __name__, url_prefix="/api/v1", description="Sign-in and the caller's account")


class CredentialsSchema(StrictSchema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1024))


class TokenSchema(ma.Schema):
    token = ma.fields.String(required=True)
    expires_at = ma.fields.String(required=True)
    must_change_password = ma.fields.Boolean(required=True)
    user = ma.fields.Nested(UserSchema, required=True)


class PasswordChangeSchema(StrictSchema):
    current = ma.fields.String(required=True)
    new = ma.fields.String(required=True, validate=ma.validate.Length(max=1024))


def user_body(user: User) -> dict[str, Any]:
    """The API's ``User`` for ``user``."""
    return {
        "username": user.username,
        "nip": user.nip,
        "name": user.name,
        "email": user.email,
        "unit": user.unit_path,
        "position": user.position,
        "roles": roles_of(user),
        "must_change_password": user.must_change_password,
        "locale": user.locale,
    }


@blp.post("/auth/token")
@errors(e401="invalid_credentials", e422="invalid", e429="too_many_attempts")
@blp.arguments(CredentialsSchema)
@blp.response(200, TokenSchema)
def create_token(credentials: dict[str, str]) -> dict[str, Any]:
    """Sign in: exchange a username and password for a bearer token."""
    # Failures are counted on a connection of their own: they hold although this request fails.
    user = services.authenticate(credentials["username"], credentials["password"], client=request.remote_addr or "")
    token, row = services.issue_token(user)
    body = {
        "token": token,
        "expires_at": iso(row.expires_at),
        "must_change_password": user.must_change_password,
        "user": user_body(user),
    }
    db.session.commit()
    return body


@blp.delete("/auth/token")
@authenticated(allow_password_change=True)
@blp.response(204)
def delete_token() -> None:
    """Sign out: the token stops working at once."""
    token = bearer_token()
    if token:
        services.revoke_token(token)
    db.session.commit()


@blp.get("/me")
@authenticated(allow_password_change=True)
@blp.response(200, UserSchema)
def me() -> dict[str, Any]:
    """The caller's account."""
    return user_body(api_user())


@blp.post("/me/password")
@errors(e422="invalid (fields.current: wrong current password; fields.new: too weak)", e429="too_many_attempts")
@authenticated(allow_password_change=True)
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
def change_password(body: dict[str, str]) -> None:
    """Change the caller's password (required after a one-time password)."""
    services.change_password(
        api_user(), body["current"], body["new"], keep_token=bearer_token(), client=request.remote_addr or ""
    )
    db.session.commit()


@blp.get("/me/export")
@authenticated()
@blp.doc(
    responses={
        "200": {
            "description": "everything elearn holds about the caller (UU 27/2022), as a JSON attachment: "
            "format, version, generated_at, username and one entry per section (profile, sign_in, enrolments, "
            "progress, quiz_attempts, quiz_results, course_uploads, audit, and those later domains add)",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    }
)
def export_me() -> Any:
    """Download everything elearn holds about the caller as one JSON file."""
    from elearn.core.owndata import personal_data_response

    return personal_data_response(api_user())
