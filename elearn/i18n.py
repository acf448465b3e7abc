"""Locale and time zone choice: Indonesian unless the user picked English."""

from __future__ import annotations

from flask import current_app, session
from flask_login import current_user

LOCALES = ("id", "en")


def select_locale() -> str:
    """The signed-in user's language, else the session's choice, else Indonesian.

    The browser's Accept-Language is deliberately ignored: the product speaks
    Indonesian by default even on phones set to English.
    """
    user = current_user
    if user and user.is_authenticated and getattr(user, "locale", None) in LOCALES:
        return str(user.locale)
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "id"


def select_timezone() -> str:
    """The deployment's time zone (``ELEARN_TIMEZONE``)."""
    return str(current_app.config["ELEARN_TIMEZONE"])
