"""Locale and time zone choice: Indonesian unless the user picked English."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context, session
from flask_babel import get_translations
from flask_login import current_user

LOCALES = ("id", "en")


def select_locale() -> str:
    """The signed-in user's language, else the session's choice, else Indonesian.

    The browser's Accept-Language is deliberately ignored: the product speaks
    Indonesian by default even on phones set to English.
    """
    if not has_request_context():
        return "id"  # the CLI (e.g. the sweep issuing certificates) speaks Indonesian
    user = current_user
    if user and user.is_authenticated and getattr(user, "locale", None) in LOCALES:
        return str(user.locale)
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "id"


def select_timezone() -> str:
    """The deployment's time zone (``ELEARN_TIMEZONE``)."""
    return str(current_app.config["ELEARN_TIMEZONE"])


def request_translations() -> Any:
    """This request's translations, looked up once: Flask-Babel looks them up again for every
    string, which on a page of 60 course cards cost a fifth of the page."""
    if not has_app_context():
        return get_translations()
    found = g.get("elearn_translations")
    if found is None:
        found = g.elearn_translations = get_translations()
    return found


def quick_gettext(text: str, **variables: Any) -> str:
    """``gettext`` through this request's translations (for helpers that run on every page)."""
    translated: str = request_translations().ugettext(text)
    return translated % variables if variables else translated


def forget_translations() -> None:
    """After the locale changed within a request (the language switch)."""
    if has_app_context():
        g.pop("elearn_translations", None)


def install_template_gettext(app: Flask) -> None:
    """Templates translate through ``request_translations`` (same catalogues, same escaping)."""
    # Added to the environment by Jinja's i18n extension, so unknown to the type checker.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
