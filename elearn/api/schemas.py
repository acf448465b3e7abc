"""Shapes shared by several API resources (declared once: validation, output, OpenAPI)."""

from __future__ import annotations

import marshmallow as ma


class StrictSchema(ma.Schema):
    """Input schemas refuse unknown fields (a typo must not pass silently)."""

    class Meta:
        unknown = ma.RAISE


class UserSchema(ma.Schema):
    """``User`` of api.md."""

    username = ma.fields.String(required=True)
    nip = ma.fields.String(allow_none=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    position = ma.fields.String(allow_none=True)
    roles = ma.fields.List(ma.fields.String(), required=True)
    must_change_password = ma.fields.Boolean()
    locale = ma.fields.String(allow_none=True)


class PageNumberSchema(ma.Schema):
    """``?page=N`` of a list with a fixed page size."""

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))


class PageArgsSchema(PageNumberSchema):
    """``?page=N&per_page=M`` (default 50, max 500)."""

    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=500))
