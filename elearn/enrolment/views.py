"""Pages: enrolment management for instructors and coordinators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("enrolment", __name__)


@bp.get("/manage")
@login_required
def manage() -> Any:
    """Courses the caller manages."""
    return render_template("catalogue/index.html", courses=[])
