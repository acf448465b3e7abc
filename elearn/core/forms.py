"""The base of every form: Flask-WTF's ``FlaskForm`` speaking the person's language, and able to
show again what a person typed when their form expired.

Every form class of elearn derives from ``elearn.core.forms.FlaskForm`` (a test checks it):
WTForms' own messages ("This field is required.") come from ``elearn.core.messages``, and when a
form is sent with a missing or expired CSRF token, the page of the form is shown again with what was
typed (``replaying``: see ``elearn.web``), instead of a page that loses it.
"""

from __future__ import annotations

from typing import Any

import flask_wtf
from flask import g, has_request_context
from werkzeug.datastructures import MultiDict

from elearn.core.messages import LIBRARY_TRANSLATIONS


def replay_form_data(data: MultiDict[str, str] | None) -> None:
    """Let the forms built during this request start from ``data`` (a refused form's fields)."""
    g.elearn_replayed_form = data


def _replayed() -> MultiDict[str, str] | None:
    return g.get("elearn_replayed_form") if has_request_context() else None


class FlaskForm(flask_wtf.FlaskForm):
    """Flask-WTF's form with our translations of library messages and the expired-form replay."""

    class Meta(flask_wtf.FlaskForm.Meta):
        """Translations and form data."""

        def get_translations(self, form: Any) -> Any:
            """WTForms' messages through ``elearn.core.messages``."""
            return LIBRARY_TRANSLATIONS

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """A refused form's fields when the page is being shown again, else Flask-WTF's rule."""
            replayed = _replayed()
            if replayed is not None:
                return replayed
            return super().wrap_formdata(form, formdata)
