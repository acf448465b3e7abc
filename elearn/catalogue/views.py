"""Pages: catalogue, my courses, course outline, lesson."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("catalogue", __name__)


@bp.get("/")
@login_required
def index() -> Any:
    """The course catalogue."""
    return render_template("catalogue/index.html", courses=[])


@bp.get("/my")
@login_required
def my_courses() -> Any:
    """The learner's courses."""
    return render_template("catalogue/index.html", courses=[])
