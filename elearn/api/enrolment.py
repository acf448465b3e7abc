"""API: enrolment."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_enrolment", __name__, url_prefix="/api/v1", description="enrolment")
