"""API: lessons."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_lessons", __name__, url_prefix="/api/v1", description="lessons")
