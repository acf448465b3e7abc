"""Pages: the home page ("Beranda"), where signing in lands."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from elearn.home.queries import home_of
from elearn.notifications.queries import shown

bp = Blueprint("home", __name__)


@bp.get("/home")
@login_required
def index() -> Any:
    """My courses with progress and where to continue, this year's JP against the target, quizzes in
    progress and their deadlines, enrolments awaiting approval, the latest notifications."""
    home = home_of(current_user.id)
    return render_template("home/index.html", home=home, notifications=[shown(n) for n in home.notifications])
