"""Cross-cutting web concerns: security headers, errors, health, static URLs."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from contextlib import suppress
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    get_flashed_messages,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from elearn.core.http import JSON_BODY_LIMIT, envelope, error_response, is_api_request
from elearn.core.messages import FORM_EXPIRED, status_text
from elearn.errors import DomainError
from elearn.extensions import db, login_manager
from elearn.i18n import quick_gettext as __

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def content_security_policy(iframe_hosts: tuple[str, ...]) -> str:
    """The CSP of every page: no inline script; frames only from the iframe allow-list."""
    frames = " ".join(f"https://{host}" for host in iframe_hosts) or "'none'"
    return f"{CSP}; frame-src {frames}"


F = TypeVar("F", bound=Callable[..., Any])


def body_limit(size: int) -> Callable[[F], F]:
    """Let a view read a body of up to ``size`` bytes (a course ZIP) instead of ``MAX_CONTENT_LENGTH``."""

    def mark(view: F) -> F:
        view.elearn_body_limit = size  # type: ignore[attr-defined]
        return view

    return mark


def apply_body_limit() -> None:
    """Raise this request's body limit for a view marked with ``body_limit``, for a signed-in caller
    (registered before CSRFProtect's hook, which is the first to read a form)."""
    view = current_app.view_functions.get(request.endpoint or "")
    size = getattr(view, "elearn_body_limit", None)
    if size is not None and request.method == "POST" and current_user.is_authenticated:
        request.max_content_length = size


def init_web(app: Flask) -> None:
    """Wire headers, error pages, the user loader, health and template helpers."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = ""
    login_manager.user_loader(_load_user)
    app.extensions["elearn_csp"] = content_security_policy(tuple(app.config["ELEARN_IFRAME_HOSTS"]))
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(PoolTimeout, _database_error)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/sw.js", "service_worker", service_worker)
    from elearn.catalogue.labels import COMPETENCY_LABELS, LEVEL_LABELS

    app.jinja_env.globals.update(
        static_url=static_url,
        current_locale=current_locale,
        nav_items=nav_items,
        competency_labels=COMPETENCY_LABELS,
        level_labels=LEVEL_LABELS,
        competency_label=lambda value: COMPETENCY_LABELS.get(value, value),
        level_label=lambda value: LEVEL_LABELS.get(value, value),
        item_url=item_url,
        state_text=state_text,
        progress_bar=progress_bar,
        # The macro module's attributes are the template's macros: unknown to the type checker.
        field=lambda *args, **kwargs: app.jinja_env.get_template("_form.html").module.field(*args, **kwargs),  # type: ignore[attr-defined]
    )
    app.jinja_env.filters.update(num=number_text, percent=percent_text)
    app.before_request(_guard_request)
    app.before_request(_require_password_change)


def _load_user(session_id: str) -> Any:
    from elearn.accounts.services import user_for_web_session

    return user_for_web_session(session_id)  # None: signed out, expired, or deactivated


def _guard_request() -> None:
    """Limits every request meets before any view runs: a small body for the JSON API,
    and no NUL character anywhere a value can reach a query (PostgreSQL refuses NUL
    in text with a server error; SQLite would store it)."""
    if is_api_request():
        request.max_content_length = JSON_BODY_LIMIT
    if "\x00" in request.path or any("\x00" in key + value for key, value in request.args.items(multi=True)):
        abort(400, description=_("Permintaan memuat karakter NUL yang tidak diizinkan."))
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in _FORM_TYPES:
        if any("\x00" in key + value for key, value in request.form.items(multi=True)):
            abort(400, description=_("Permintaan memuat karakter NUL yang tidak diizinkan."))


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _require_password_change() -> Any:
    """A user signed in with a one-time password must choose a new one first."""
    if is_api_request() or request.endpoint in (None, "static", "healthz", "service_worker"):
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        allowed = {"accounts.change_password", "accounts.logout", "accounts.set_language"}
        if request.endpoint not in allowed:
            return redirect(url_for("accounts.change_password"))
    return None


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.extensions["elearn_csp"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["ELEARN_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html" or is_api_request():
        # Pages and API answers are per user: never stored by shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def _http_error(error: HTTPException) -> Any:
    if is_api_request():
        return error_response(error)
    code = error.code or 500
    page = render_template("error.html", code=code, description=_error_text(code))
    headers = {}
    if code == 405:  # the methods the URL does take (RFC 9110), as the API answers too
        headers["Allow"] = error.get_response().headers.get("Allow", "")
    return page, code, headers


def _error_text(code: int) -> str:
    return status_text(code)


def _domain_error(error: DomainError) -> Any:
    if error.keeps_changes:
        db.session.commit()
    else:
        db.session.rollback()
    if is_api_request():
        return error_response(error)
    return render_template("error.html", code=error.status, description=error.message), error.status


def _csrf_error(error: CSRFError) -> Any:
    if is_api_request():
        return error_response(error)
    description = str(FORM_EXPIRED)
    replayed = _replay_form(description)
    if replayed is not None:
        return replayed
    return render_template("error.html", code=400, description=description), 400


def _same_origin() -> bool:
    """Whether the browser says the refused form came from one of our own pages."""
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return True
    origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
    own = request.host_url.rstrip("/")
    return origin == own or origin.startswith(own + "/")


def _replay_form(message: str) -> Response | None:
    """A form sent from our own page with a missing or expired CSRF token: its page again (the GET of
    the same address), the fields filled with what was typed (never a password or a file) and a fresh
    token, saying why, so that nothing typed is lost and nothing is done. ``None`` when there is no
    such page (then the error page says it)."""
    from werkzeug.datastructures import MultiDict

    from elearn.core.forms import replay_form_data

    if request.method != "POST" or not _same_origin():
        return None
    try:
        endpoint, args = current_app.url_map.bind_to_environ(request.environ).match(request.path, method="GET")
    except HTTPException:
        return None
    view: Callable[..., Any] | None = current_app.view_functions.get(endpoint)
    if view is None:
        return None
    replay_form_data(MultiDict([(k, v) for k, v in request.form.items(multi=True) if k != "csrf_token"]))
    request.method = "GET"  # the page is shown, nothing is submitted
    flash(message, "error")
    try:
        response = current_app.make_response(view(**args))
    finally:
        replay_form_data(None)
        request.method = "POST"
    if response.status_code != 200 or response.mimetype != "text/html":
        get_flashed_messages()  # not shown on this answer: not on the next page either
        return None
    response.status_code = 400
    return response


#: Seconds a client is asked to wait before trying again while the database is out of reach.
RETRY_AFTER_SECONDS = 5


def _database_error(error: SQLAlchemyError) -> Any:
    """The database is out of reach (refused, dropped, locked past ``busy_timeout``, no pooled
    connection free): 503 ``database_unavailable``, and the next request tries again. The pool
    recovers by itself: ``pool_pre_ping`` replaces a dead connection at checkout, and a disconnect
    invalidates every connection made before it. Other database errors (integrity, programming)
    stay what they are: a bug, answered 500."""
    # PEP 249's OperationalError and InterfaceError (any driver, as SQLAlchemy wraps them) mean
    # "cannot reach or use the database now", as does a disconnect SQLAlchemy detected.
    if isinstance(error, DBAPIError) and not (
        isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated
    ):
        raise error
    log.error("database unavailable (%s): %s", request.path, error.__class__.__name__, exc_info=error)
    with suppress(SQLAlchemyError):
        db.session.rollback()
    # Whoever is signed in cannot be looked up now: the rest of this answer (its language, the
    # page's header) is for an anonymous visitor rather than a second failing query.
    login_manager._update_request_context_with_user()
    message = _("Basis data sedang tidak dapat dihubungi. Coba lagi dalam beberapa saat.")
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api_request() or request.is_json:  # the API, or a page's script (the quiz's autosave)
        return jsonify(envelope("database_unavailable", message)), 503, headers
    return render_template("error.html", code=503, description=message), 503, headers


def locked_page(locked: Any) -> Any:
    """The 403 page of an ``ItemLocked``: why the item is locked, and a link to what unlocks it."""
    unlock = locked.blocker.next_required() if locked.blocker else None
    return render_template("catalogue/locked.html", locked=locked, unlock=unlock), 403


#: Refusals of an item that the course page answers: its enrol button, or the pending request.
ENROL_FIRST = ("not_enrolled", "enrolment_pending")


def enrol_first(error: DomainError, course_id: int | None) -> Any:
    """A lesson or quiz of a course the person is not learning in: back to the course page, where the
    enrol button (or the pending request) is, with the reason; other refusals stay what they are."""
    from elearn.catalogue.structure import snapshot

    structure = snapshot().by_id.get(course_id) if course_id is not None else None
    if error.code not in ENROL_FIRST or structure is None:
        raise error
    flash(error.message, "info")
    return redirect(url_for("catalogue.course", code=structure.course.code) + "#daftar")


def healthz() -> Any:
    """Liveness and database reachability (no auth)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "unavailable"
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


def service_worker() -> Response:
    """The service worker, served from the root so that it may control every page (no sign-in:
    it holds no data, only the code that keeps a signed-in person's pages readable offline)."""
    response = send_from_directory(current_app.static_folder or "", "js/sw.js", mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@cache
def _file_hash(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """URL of a static file with its content hash, so it can be cached for a year.

    Worked out once per file and process (outside debug mode, files do not change under a
    running server); in debug mode the file's modification time is checked on every call.
    """
    urls: dict[str, str] = current_app.extensions.setdefault("elearn_static_urls", {})
    found = None if current_app.debug else urls.get(filename)
    if found is None:
        path = Path(current_app.static_folder or "") / filename
        version = _file_hash(str(path), path.stat().st_mtime) if path.is_file() else "0"
        found = urls[filename] = url_for("static", filename=filename, v=version)
    return found


def number_text(value: Decimal | float | int | None) -> str:
    """A number for people: at most 2 decimals, no trailing zeros, the locale's decimal mark
    (70 -> "70", 72.5 -> "72,5" in Indonesian)."""
    if value is None:
        return ""
    return format_decimal(Decimal(str(value)).quantize(Decimal("0.01")).normalize(), format="#,##0.##")


def percent_text(value: Decimal | float | int | None) -> str:
    """A percentage for people: ``70%``, ``72,5%``."""
    return "" if value is None else f"{number_text(value)}%"


# Page helpers as plain functions, not template macros: a template importing macros builds the
# macro module again on every render when context processors add globals (0.2 ms a page).


def item_url(item: Any) -> str:
    """The page of an outline item (a lesson or a quiz)."""
    endpoint, name = ("catalogue.lesson", "lesson_id") if item.row.type == "lesson" else ("quizzes.quiz", "quiz_id")
    return url_for(endpoint, **{name: item.row.id})


def state_text(item: Any) -> Markup:
    """What a screen reader hears after an item's title: done or locked."""
    if item.completed:
        return Markup('<span class="visually-hidden">%s</span>') % __("(selesai)")
    if item.locked:
        return Markup('<span class="visually-hidden">%s</span>') % __("(terkunci)")
    return Markup("")


def progress_bar(percent: int) -> Markup:
    """A progress bar with its label."""
    return Markup(
        '<p class="progress-wrap"><progress class="progress" value="%s" max="100" aria-label="%s">%s%%</progress>\n'
        '<span class="progress-label">%s</span></p>'
    ) % (percent, __("Kemajuan"), percent, __("%(percent)s%% selesai", percent=percent))


def current_locale() -> str:
    """The page's language code (``id`` or ``en``)."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else "id"


def nav_items() -> list[tuple[str, str]]:
    """The main navigation for the signed-in user: (endpoint, label)."""
    from elearn.catalogue.queries import roles_of
    from elearn.catalogue.structure import snapshot
    from elearn.publishing.services import opens_uploads

    items = [
        ("home.index", __("Beranda")),
        ("catalogue.index", __("Katalog")),
        ("catalogue.my_courses", __("Kursus saya")),
        ("reports.my_jp", __("JP saya")),
        ("certificates.mine", __("Sertifikat")),
    ]
    if not current_user.is_authenticated:
        return items
    roles = set(roles_of(current_user))
    teaching = snapshot().teaches_any(current_user.username)
    # Anyone a course names as instructor manages it, whatever their account's role.
    if roles & {"instructor", "coordinator", "admin"}:
        items.append(("enrolment.manage", __("Kelola")))
    if roles & {"coordinator", "admin"}:
        items.append(("reports.index", __("Laporan")))
    if opens_uploads(current_user, teaching):
        items.append(("publishing.uploads", __("Unggah kursus")))
    if current_user.role in ("admin", "coordinator"):
        items.append(("people.people", __("Administrasi")))
    items.append(("accounts.account", __("Akun")))
    return items
